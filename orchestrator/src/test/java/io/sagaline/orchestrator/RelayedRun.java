package io.sagaline.orchestrator;

import io.sagaline.messaging.EnvelopeCodec;
import io.sagaline.testing.TestInfrastructure;
import io.sagaline.testing.TestRelay;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link TestRun} with the outbox relay publishing its database's outbox and stand-in
 * participants answering its commands: what an orchestrator test over Kafka needs besides the
 * orchestrator itself.
 */
record RelayedRun(TestRun run, TestRelay relay, StandInParticipants standIns) implements AutoCloseable {

    /** Creates the run's database and topics, then starts the relay and the stand-ins on them. */
    static RelayedRun start(String name) {
        String kafka = TestInfrastructure.kafka().bootstrapServers();
        TestRun run = TestRun.create(name);
        // It waits for the outbox table, which the orchestrator creates.
        TestRelay relay = TestRelay.start(kafka, List.of(run.database()));
        var standIns = StandInParticipants.start(
                kafka,
                run.commandTopics().values(),
                run.replies(),
                new EnvelopeCodec(JsonMapper.builder().build()));
        return new RelayedRun(run, relay, standIns);
    }

    /** Stops the stand-ins and the relay, then drops the database with its replication slot. */
    @Override
    public void close() {
        standIns.close();
        relay.close();
        run.drop();
    }
}
