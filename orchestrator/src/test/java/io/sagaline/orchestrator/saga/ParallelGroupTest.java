package io.sagaline.orchestrator.saga;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaline.orchestrator.saga.GroupMember.Phase;
import io.sagaline.orchestrator.saga.SagaEffect.CompensationPending;
import io.sagaline.orchestrator.saga.SagaEffect.SendCommand;
import io.sagaline.orchestrator.saga.Trips.BookFlight;
import io.sagaline.orchestrator.saga.Trips.BookHotel;
import io.sagaline.orchestrator.saga.Trips.CancelHotel;
import io.sagaline.orchestrator.saga.Trips.CardCharged;
import io.sagaline.orchestrator.saga.Trips.ChargeCard;
import io.sagaline.orchestrator.saga.Trips.FlightBooked;
import io.sagaline.orchestrator.saga.Trips.FlightCancelled;
import io.sagaline.orchestrator.saga.Trips.FlightSystemBusy;
import io.sagaline.orchestrator.saga.Trips.HotelBooked;
import io.sagaline.orchestrator.saga.Trips.HotelCancelled;
import io.sagaline.orchestrator.saga.Trips.HotelFull;
import io.sagaline.orchestrator.saga.Trips.Trip;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The general rules of parallel groups, on a trip that books its hotel and flight at once. */
class ParallelGroupTest {

    private static final SagaDefinition<Trip> TRIP =
            steps().parallel("book hotel", "book flight").build();

    @Test
    void aGroupNamesStepsDeclaredOneAfterAnother() {
        assertThat(TRIP.groups()).containsExactly(new StepGroup(0, 2));
        assertThat(TRIP.group(1)).isEqualTo(new StepGroup(0, 2));
        assertThat(TRIP.group(2)).isEqualTo(new StepGroup(2, 1));
        assertThatThrownBy(() -> steps().parallel("book flight", "book hotel").build())
                .hasMessageContaining("declared one after another, in this order");
        assertThatThrownBy(() -> steps().parallel("book hotel", "book a car").build())
                .hasMessageContaining("no step is called book a car");
        assertThatThrownBy(() -> steps().parallel("book hotel")).hasMessageContaining("two steps or more");
    }

    @Test
    void thePivotAndLocalStepsStandAlone() {
        assertThatThrownBy(() -> steps().parallel("book flight", "charge card").build())
                .hasMessageContaining("charge card cannot run in a parallel group");
        var withLocal = SagaDefinition.of("trip", 1, Trip.class)
                .step("note the trip")
                .local()
                .compensateLocally()
                .step("book hotel")
                .invoke(Trips.HOTELS, trip -> new BookHotel(trip.id()))
                .onSuccess(HotelBooked.class)
                .compensateWith(Trips.HOTELS, trip -> new CancelHotel(trip.id()))
                .compensated(HotelCancelled.class)
                .parallel("note the trip", "book hotel");
        assertThatThrownBy(withLocal::build).hasMessageContaining("note the trip cannot run in a parallel group");
    }

    @Test
    void theLongestWaitUntilThePivotCountsAGroupOnceByItsSlowestMember() {
        Duration alone = steps().build().longestUntilPivot();
        Duration together = TRIP.longestUntilPivot();

        assertThat(alone).isEqualTo(ofSeconds(10));
        assertThat(together).isEqualTo(ofSeconds(5));
    }

    @Test
    void aMemberThatKeepsAnsweringNotDoneGivesUpAndIsNotUndone() {
        SagaRun<Trip> saga = SagaRun.given(TRIP, Trips.TRIP).start();
        assertThat(saga.sentAll())
                .extracting(SendCommand::command)
                .containsExactly(new BookHotel("trip-1"), new BookFlight("trip-1", null));
        saga.replyFor(0, new HotelBooked("H-1"));

        for (int attempt = 1; attempt < 3; attempt++) {
            saga.replyFor(1, new FlightSystemBusy());
            assertThat(saga.state().member(1).orElseThrow().phase()).isEqualTo(Phase.RETRY_DUE);
            saga.deadlinePasses();
            assertThat(saga.sent().attempt()).isEqualTo(attempt + 1);
        }
        saga.replyFor(1, new FlightSystemBusy());

        assertThat(saga.effect(CompensationPending.class).reason()).startsWith("gave up after 3 attempts");
        assertThat(saga.sent().command()).isEqualTo(new CancelHotel("trip-1"));
        saga.reply(new HotelCancelled());
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void aFailingGroupAbandonsTheRetryItHadScheduled() {
        SagaRun<Trip> saga = SagaRun.given(TRIP, Trips.TRIP).start();
        saga.replyFor(1, new FlightSystemBusy());

        saga.replyFor(0, new HotelFull());

        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(saga.sentAll())
                .as("neither the flight's retry nor a cancellation")
                .isEmpty();
    }

    @Test
    void theDataOfEveryMemberIsFoldedWhateverTheOrderOfReplies() {
        SagaRun<Trip> saga = SagaRun.given(TRIP, Trips.TRIP).start();

        saga.replyFor(1, new FlightBooked()).replyFor(0, new HotelBooked("H-7"));

        assertThat(saga.data().hotelBooking()).isEqualTo("H-7");
        assertThat(saga.sent().command()).isEqualTo(new ChargeCard("trip-1"));
        saga.reply(new CardCharged());
        assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETED);
    }

    /** Hotel and flight, each compensatable, then the card charged as the pivot. */
    private static SagaDefinition.Builder<Trip> steps() {
        return SagaDefinition.of("trip", 1, Trip.class)
                .step("book hotel")
                .invoke(Trips.HOTELS, trip -> new BookHotel(trip.id()))
                .onSuccess(HotelBooked.class, (trip, booked) -> new Trip(trip.id(), booked.booking()))
                .onFailure(HotelFull.class)
                .compensateWith(Trips.HOTELS, trip -> new CancelHotel(trip.id()))
                .compensated(HotelCancelled.class)
                .timeout(ofSeconds(5))
                .step("book flight")
                .invoke(Trips.FLIGHTS, trip -> new BookFlight(trip.id(), null))
                .onSuccess(FlightBooked.class)
                .onRetryableFailure(FlightSystemBusy.class)
                .compensateWith(Trips.FLIGHTS, trip -> new Trips.CancelFlight(trip.id()))
                .compensated(FlightCancelled.class)
                .timeout(ofSeconds(5))
                .retry(RetryPolicy.exponential(3, ofMillis(100), ofSeconds(1)))
                .step("charge card")
                .kind(StepKind.PIVOT)
                .invoke(Trips.PAYMENTS, trip -> new ChargeCard(trip.id()))
                .onSuccess(CardCharged.class);
    }
}
