package io.sagaline.twopc.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.sagaline.web.ClientRequests;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires the coordinator. The order is the protocol's: pools open and migrate the databases,
 * recovery resolves what the last process left prepared, and only then does the coordinator exist
 * (and the web server start).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TwoPhaseCommitProperties.class)
@EnableScheduling
class TwoPhaseCommitConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TwoPhaseCommitConfiguration.class);
    private static final Duration COMPLETION_FLUSH = Duration.ofMillis(200);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** A shop's client account may place orders; seeding needs the operator ({@code sagaline.security.*}). */
    @Bean
    ClientRequests placingOrders() {
        return ClientRequests.post("/api/orders");
    }

    @Bean(destroyMethod = "close")
    Pools pools(TwoPhaseCommitProperties properties, ObjectProvider<MeterRegistry> meters) {
        return Pools.open(properties, meters.getIfAvailable());
    }

    @Bean(destroyMethod = "flushCompleted")
    DecisionLog decisionLog(Pools pools, Clock clock) {
        return new DecisionLog(pools, clock);
    }

    @Bean
    PreparedTransactions preparedTransactions(Pools pools, TwoPhaseCommitProperties properties) {
        return new PreparedTransactions(pools, properties.coordinatorId());
    }

    @Bean
    InDoubtResolver inDoubtResolver(PreparedTransactions prepared, DecisionLog decisions) {
        return new InDoubtResolver(prepared, decisions);
    }

    /** Runs recovery while the context starts: it has finished before anything is served. */
    @Bean
    Recovery recovery(
            InDoubtResolver resolver, DecisionLog decisions, TwoPhaseCommitProperties properties, Clock clock) {
        var recovery = new Recovery(resolver, decisions, properties.coordinatorId(), clock);
        recovery.run();
        return recovery;
    }

    @Bean
    InFlight inFlight() {
        return new InFlight();
    }

    @Bean
    CrashPoint crashPoint(TwoPhaseCommitProperties properties) {
        if (properties.haltAfterPrepared() > 0) {
            log.warn(
                    "Crash point armed: the process halts when global transaction number {} reaches {}",
                    properties.haltAfterPrepared(),
                    properties.haltPoint());
        }
        return new CrashPoint(properties.haltPoint(), properties.haltAfterPrepared(), CrashPoint.haltProcess());
    }

    @Bean
    Coordinator coordinator(
            Recovery recovery,
            TwoPhaseCommitProperties properties,
            Pools pools,
            Checkout checkout,
            DecisionLog decisions,
            CrashPoint crashPoint,
            InFlight inFlight,
            JsonMapper json,
            Clock clock,
            ObjectProvider<MeterRegistry> meters) {
        if (recovery.report() == null) {
            throw new IllegalStateException("the coordinator must not start before recovery finished");
        }
        return new Coordinator(
                properties, pools, checkout, decisions, crashPoint, inFlight, json, clock, meters.getIfAvailable());
    }

    @Bean
    Seeding seeding(Pools pools, Clock clock) {
        return new Seeding(pools, clock);
    }

    /** UP once recovery has finished, with its report. */
    @Bean
    HealthIndicator recoveryHealthIndicator(Recovery recovery) {
        return () -> {
            Recovery.RecoveryReport report = recovery.report();
            return report == null
                    ? Health.down().withDetail("recovery", "running").build()
                    : Health.up().withDetail("recovery", report).build();
        };
    }

    /** Batched completion marks, and the resolver for branches this process left prepared. */
    @Bean
    SchedulingConfigurer housekeeping(
            DecisionLog decisions, InDoubtResolver resolver, InFlight inFlight, TwoPhaseCommitProperties properties) {
        return (ScheduledTaskRegistrar registrar) -> {
            registrar.addFixedDelayTask(decisions::flushCompleted, COMPLETION_FLUSH);
            registrar.addFixedDelayTask(
                    () -> {
                        InDoubtResolver.Resolution resolved = resolver.resolve(inFlight::contains);
                        if (resolved.found() > 0) {
                            log.info(
                                    "Resolver: {} prepared branch transactions left behind, {} committed,"
                                            + " {} rolled back, {} failed",
                                    resolved.found(),
                                    resolved.committed(),
                                    resolved.rolledBack(),
                                    resolved.failed());
                        }
                    },
                    properties.resolveInterval());
        };
    }
}
