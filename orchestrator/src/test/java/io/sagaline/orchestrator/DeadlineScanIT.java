package io.sagaline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaline.messaging.contract.PaymentMessages.AuthorizePayment;
import io.sagaline.testing.ApiClient;
import io.sagaline.testing.MutableClock;
import io.sagaline.testing.TestAccounts;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Many sagas falling due at once, as after a participant outage: a thousand sagas wait for a
 * payment authorization that never comes, time passes their reply timeout together, and every one
 * of them must be fired (timed out, and its resend scheduled within the step's patience) by the
 * deadline scanner. Prints how
 * long that took; the figure is a measurement, the test asserts only that all were fired.
 */
@SpringBootTest(
        classes = OrchestratorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "sagaline.orchestrator.max-in-flight=" + 2 * DeadlineScanIT.SAGAS)
@Import(DeadlineScanIT.Clocks.class)
@DirtiesContext
class DeadlineScanIT {

    static final int SAGAS = 1_000;

    private static final Duration WAIT = Duration.ofMinutes(3);

    private static TestRun run;
    private static RelayedRun system;
    private static StandInParticipants standIns;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    @BeforeAll
    static void start() {
        system = RelayedRun.start("deadline-scan-it");
        run = system.run();
        standIns = system.standIns();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        run.register(registry);
    }

    @Test
    void firesAThousandTimeoutsThatFallDueTogether() throws InterruptedException {
        var api = new ApiClient("http://127.0.0.1:" + port).as(TestAccounts.CLIENT);
        String customer = "customer-" + UUID.randomUUID();
        standIns.script(customer, StandInParticipants.SUCCEED.silentOn(AuthorizePayment.class));
        try (var clients = Executors.newFixedThreadPool(8)) {
            for (var placing : clients.invokeAll(Collections.nCopies(SAGAS, (Callable<Integer>) () -> api.post(
                            "/api/orders",
                            ApiClient.json(Orders.order(customer)),
                            Map.of("Idempotency-Key", UUID.randomUUID().toString()))
                    .status()))) {
                assertThat(placing.resultNow()).isEqualTo(202);
            }
        }
        await("every authorization sent and awaited")
                .atMost(WAIT)
                .until(() -> count("status = 'RUNNING' AND awaited_request IS NOT NULL") == SAGAS);

        List<ConfigurableApplicationContext> others = startMoreInstances();
        try {
            long started = System.nanoTime();
            clock.advance(Duration.ofSeconds(31));
            await("every timeout fired").atMost(WAIT).until(() -> count("awaited_request IS NOT NULL") == 0);
            double seconds = (System.nanoTime() - started) / 1e9;

            System.out.printf(
                    "[deadlines] %d reply timeouts falling due together fired in %.1f s (%.0f/s), %d orchestrator"
                            + " instance(s) sharing the work, everything on this machine (%d cores)%n",
                    SAGAS,
                    seconds,
                    SAGAS / seconds,
                    instances(),
                    Runtime.getRuntime().availableProcessors());
        } finally {
            others.forEach(ConfigurableApplicationContext::close);
        }
        // Within its patience each step waits to send its command again; none is in doubt yet. The
        // authorization's members may have timed out beside it, if their replies were not yet read.
        assertThat(count("status = 'RUNNING' AND last_error LIKE '% timed out after %'"))
                .isEqualTo(SAGAS);
    }

    /** How many orchestrator instances scan for deadlines together. */
    int instances() {
        return 1;
    }

    /**
     * Orchestrator instances beyond this test's own, on the same database, topics and clock, as
     * separate application contexts in this JVM.
     */
    private List<ConfigurableApplicationContext> startMoreInstances() {
        Map<String, Object> properties = new LinkedHashMap<>();
        run.register((name, value) -> properties.put(name, value.get()));
        properties.put("server.port", 0);
        properties.put("spring.main.banner-mode", "off");
        properties.put("sagaline.orchestrator.max-in-flight", 2 * SAGAS);
        List<ConfigurableApplicationContext> started = new ArrayList<>();
        for (int instance = 2; instance <= instances(); instance++) {
            // As arguments: they must win over application.yml, as the test's own properties do.
            String[] arguments = properties.entrySet().stream()
                    .map(property -> "--" + property.getKey() + "=" + property.getValue())
                    .toArray(String[]::new);
            started.add(new SpringApplicationBuilder(OrchestratorApplication.class)
                    .initializers(context -> context.getBeanFactory().registerSingleton("testClock", clock))
                    .run(arguments));
        }
        return started;
    }

    private long count(String condition) {
        return jdbc.sql("SELECT count(*) FROM saga_instance WHERE " + condition)
                .query(Long.class)
                .single();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {

        @Bean
        MutableClock clock() {
            return new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
        }
    }
}
