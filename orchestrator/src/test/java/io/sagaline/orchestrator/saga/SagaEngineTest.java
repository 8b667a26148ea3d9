package io.sagaline.orchestrator.saga;

import static io.sagaline.orchestrator.saga.Direction.BACKWARD;
import static io.sagaline.orchestrator.saga.Direction.FORWARD;
import static io.sagaline.orchestrator.saga.SagaRun.SAGA_ID;
import static io.sagaline.orchestrator.saga.SagaRun.T0;
import static io.sagaline.orchestrator.saga.SagaRun.key;
import static io.sagaline.orchestrator.saga.Trips.DEFINITION;
import static io.sagaline.orchestrator.saga.Trips.TRIP;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.orchestrator.saga.SagaEffect.CompensationStarted;
import io.sagaline.orchestrator.saga.SagaEffect.RetryScheduled;
import io.sagaline.orchestrator.saga.SagaEffect.RunLocal;
import io.sagaline.orchestrator.saga.SagaEffect.SendCommand;
import io.sagaline.orchestrator.saga.Trips.BookFlight;
import io.sagaline.orchestrator.saga.Trips.CancelHotel;
import io.sagaline.orchestrator.saga.Trips.CardCharged;
import io.sagaline.orchestrator.saga.Trips.FlightBooked;
import io.sagaline.orchestrator.saga.Trips.FlightSystemBusy;
import io.sagaline.orchestrator.saga.Trips.HotelBooked;
import io.sagaline.orchestrator.saga.Trips.HotelCancelled;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The engine's general rules, on a saga other than the order saga. */
class SagaEngineTest {

    @Test
    void aLocalStepBetweenRemoteOnesRunsInTheSameTransitionAsTheReply() {
        SagaRun<Trips.Trip> trip = SagaRun.given(DEFINITION, TRIP).start();

        trip.reply(new HotelBooked("H-7"));

        assertThat(trip.effects().getFirst()).isEqualTo(new RunLocal(1, "note the hotel", FORWARD));
        assertThat(trip.sent().command()).isEqualTo(new BookFlight("trip-1", "H-7"));
        assertThat(trip.state().step()).isEqualTo(2);
    }

    @Test
    void aRetryableFailureBeforeThePivotIsRetriedUnderTheSameKeyThenUndoesOnlyTheEarlierSteps() {
        SagaRun<Trips.Trip> trip = SagaRun.given(DEFINITION, TRIP).start().reply(new HotelBooked("H-7"));
        UUID first = trip.sent().requestId();

        trip.reply(new FlightSystemBusy());
        assertThat(trip.effect(RetryScheduled.class))
                .isEqualTo(new RetryScheduled(
                        2,
                        FORWARD,
                        2,
                        trip.now().plus(ofMillis(100)),
                        "book flight failed, retryable: FlightSystemBusy[]"));
        trip.deadlinePasses();
        SendCommand second = trip.sent();
        assertThat(second.idempotencyKey()).isEqualTo(key(2, FORWARD));
        assertThat(second.requestId()).isNotEqualTo(first);
        assertThat(second.attempt()).isEqualTo(2);

        trip.reply(new FlightSystemBusy());
        assertThat(trip.effect(RetryScheduled.class).at()).isEqualTo(trip.now().plus(ofMillis(200)));
        trip.deadlinePasses();
        assertThat(trip.sent().attempt()).isEqualTo(3);
        assertThat(trip.sent().idempotencyKey()).isEqualTo(key(2, FORWARD));
    }

    @Test
    void anExhaustedRetryableStepIsNotItselfCompensated() {
        SagaRun<Trips.Trip> trip = SagaRun.given(DEFINITION, TRIP).start().reply(new HotelBooked("H-7"));
        trip.reply(new FlightSystemBusy()).deadlinePasses();
        trip.reply(new FlightSystemBusy()).deadlinePasses();

        trip.reply(new FlightSystemBusy());

        CompensationStarted started = trip.effect(CompensationStarted.class);
        assertThat(started.fromStep()).isEqualTo(1);
        assertThat(started.reason()).startsWith("gave up after 3 attempts: book flight failed, retryable");
        assertThat(trip.effects().get(1)).isEqualTo(new RunLocal(1, "note the hotel", BACKWARD));
        assertThat(trip.sent().command()).isEqualTo(new CancelHotel("trip-1"));
        assertThat(trip.sent().idempotencyKey()).isEqualTo(key(0, BACKWARD));

        trip.reply(new HotelCancelled());
        assertThat(trip.state().status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(trip.state().step()).isEqualTo(-1);
    }

    @Test
    void aReplyOfATypeTheStepDoesNotNameChangesNothing() {
        SagaRun<Trips.Trip> trip = SagaRun.given(DEFINITION, TRIP).start();
        SagaState before = trip.state();

        trip.reply(new FlightBooked());

        assertThat(trip.effect(SagaEffect.Ignored.class).reason()).contains("FlightBooked", "book hotel");
        assertThat(trip.state()).isEqualTo(before);
    }

    @Test
    void aPivotWithoutFailureReplyCompletesTheSaga() {
        SagaRun<Trips.Trip> trip = SagaRun.given(DEFINITION, TRIP)
                .start()
                .reply(new HotelBooked("H-7"))
                .reply(new FlightBooked());

        trip.reply(new CardCharged());

        assertThat(trip.state().status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(trip.data()).isEqualTo(new Trips.Trip("trip-1", "H-7"));
    }

    @Test
    void theSameSeedAndIdsGiveTheSameTransitions() {
        Transition<Trips.Trip> one = busyFlight(new SagaEngine(new SplittableRandom(7), counter()));
        Transition<Trips.Trip> two = busyFlight(new SagaEngine(new SplittableRandom(7), counter()));

        assertThat(one).isEqualTo(two);
        Instant due = one.state().deadline();
        assertThat(due).isBetween(T0.plus(ofMillis(80)), T0.plus(ofMillis(100)));
    }

    private static Transition<Trips.Trip> busyFlight(SagaEngine engine) {
        var state = new SagaState(2, FORWARD, SagaStatus.RUNNING, 1, new UUID(0, 9), T0, null, null);
        return engine.apply(
                DEFINITION,
                SAGA_ID,
                TRIP,
                state,
                new SagaEvent.ReplyReceived(new UUID(0, 9), new FlightSystemBusy()),
                T0);
    }

    private static Supplier<UUID> counter() {
        var next = new AtomicLong();
        return () -> new UUID(0, next.incrementAndGet());
    }
}
