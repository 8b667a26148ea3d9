package io.sagaline.orchestrator.saga;

import static io.sagaline.orchestrator.saga.StepKind.PIVOT;
import static io.sagaline.orchestrator.saga.StepKind.RETRIABLE;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaline.orchestrator.saga.Trips.BookHotel;
import io.sagaline.orchestrator.saga.Trips.CancelHotel;
import io.sagaline.orchestrator.saga.Trips.CardCharged;
import io.sagaline.orchestrator.saga.Trips.ChargeCard;
import io.sagaline.orchestrator.saga.Trips.HotelBooked;
import io.sagaline.orchestrator.saga.Trips.HotelCancelled;
import io.sagaline.orchestrator.saga.Trips.HotelFull;
import io.sagaline.orchestrator.saga.Trips.Trip;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SagaDefinitionTest {

    @Test
    void stepsGetTheirIndexAndDefaults() {
        Step<Trip> charge = Trips.DEFINITION.step(3);

        assertThat(charge.index()).isEqualTo(3);
        assertThat(charge.timeout()).isEqualTo(SagaDefinition.Builder.DEFAULT_TIMEOUT);
        assertThat(charge.retry()).isEqualTo(SagaDefinition.Builder.DEFAULT_RETRY_UNTIL_DONE);
        assertThat(charge.compensation()).isNull();
        assertThat(Trips.DEFINITION.pivot()).isEqualTo(3);
        assertThat(Trips.DEFINITION.isBeforePivot(2)).isTrue();
        assertThat(Trips.DEFINITION.isBeforePivot(3)).isFalse();
    }

    @Test
    void aSagaWithoutPivotCanBeUndoneAtEveryStep() {
        SagaDefinition<Trip> definition = hotel().build();

        assertThat(definition.pivot()).isEqualTo(1);
        assertThat(definition.step(0).retry()).isEqualTo(SagaDefinition.Builder.DEFAULT_RETRY);
    }

    @Test
    void refusesACompensatableStepWithoutCompensation() {
        var builder = SagaDefinition.of("trip", 1, Trip.class)
                .step("book hotel")
                .invoke(Trips.HOTELS, trip -> new BookHotel(trip.id()))
                .onSuccess(HotelBooked.class);

        assertThatThrownBy(builder::build)
                .hasMessageContaining("book hotel: a compensatable step needs a compensation");
    }

    @Test
    void refusesACommandWithoutItsSuccessReply() {
        var builder = SagaDefinition.of("trip", 1, Trip.class)
                .step("book hotel")
                .invoke(Trips.HOTELS, trip -> new BookHotel(trip.id()))
                .compensateLocally();

        assertThatThrownBy(builder::build)
                .hasMessageContaining("needs both invoke(topic, command) and onSuccess(type)");
    }

    @Test
    void refusesACompensatableStepAfterThePivot() {
        var builder = charge(SagaDefinition.of("trip", 1, Trip.class))
                .step("book hotel")
                .invoke(Trips.HOTELS, trip -> new BookHotel(trip.id()))
                .onSuccess(HotelBooked.class)
                .compensateLocally();

        assertThatThrownBy(builder::build).hasMessageContaining("cannot follow a PIVOT step");
    }

    @Test
    void refusesARepeatedStepAndASecondPivot() {
        var builder = charge(charge(hotel()));

        assertThatThrownBy(builder::build).hasMessageContaining("is misplaced or repeated");
        assertThatThrownBy(() -> charge(hotel())
                        .step("charge again")
                        .kind(PIVOT)
                        .invoke(Trips.PAYMENTS, trip -> new ChargeCard(trip.id()))
                        .onSuccess(CardCharged.class)
                        .build())
                .hasMessageContaining("a PIVOT step cannot follow a PIVOT step");
    }

    @Test
    void refusesALimitedBudgetFromThePivotOn() {
        var builder = hotel().step("charge card")
                .kind(RETRIABLE)
                .invoke(Trips.PAYMENTS, trip -> new ChargeCard(trip.id()))
                .onSuccess(CardCharged.class)
                .retry(RetryPolicy.exponential(3, ofSeconds(1), ofSeconds(2)));

        assertThatThrownBy(builder::build).hasMessageContaining("retried until it succeeds");
    }

    @Test
    void refusesAReplyTypeWithTwoMeanings() {
        var builder = SagaDefinition.of("trip", 1, Trip.class)
                .step("book hotel")
                .invoke(Trips.HOTELS, trip -> new BookHotel(trip.id()))
                .onSuccess(HotelBooked.class)
                .onFailure(HotelBooked.class)
                .compensateLocally();

        assertThatThrownBy(builder::build).hasMessageContaining("HotelBooked cannot mean two things");
    }

    @Test
    void aStepWithoutPatienceIsInDoubtAtItsFirstTimeout() {
        Step<Trip> book = hotel().build().step(0);

        assertThat(book.patience()).isZero();
        assertThat(book.resendsAfterTimeout(1)).isFalse();
        assertThat(book.longestWait()).isEqualTo(SagaDefinition.Builder.DEFAULT_TIMEOUT);
    }

    @Test
    void patienceIsCountedInAttemptsEachWithItsTimeoutAndLongestBackoff() {
        Step<Trip> book = hotel().timeout(ofSeconds(10))
                .retry(RetryPolicy.exponential(3, ofSeconds(2), ofSeconds(4)))
                .patience(ofSeconds(40))
                .build()
                .step(0);

        // Attempt 1 times out at 10 s, 2 at 22 s, 3 at 36 s, 4 at 50 s (backoffs 2, 4, 4 s).
        assertThat(book.resendsAfterTimeout(1)).isTrue();
        assertThat(book.resendsAfterTimeout(3)).isTrue();
        assertThat(book.resendsAfterTimeout(4)).isFalse();
        assertThat(book.longestWait()).isEqualTo(ofSeconds(50));
    }

    @Test
    void theLongestWayToThePivotAddsEveryEarlierStepsLongestWait() {
        SagaDefinition<Trip> definition =
                charge(hotel().timeout(ofSeconds(10)).patience(ofSeconds(15))).build();

        // Two attempts: 10 s, the 200 ms backoff, 10 s; the pivot itself does not count.
        assertThat(definition.longestUntilPivot()).isEqualTo(Duration.ofMillis(20_200));
    }

    @Test
    void refusesPatienceWhereItHasNoMeaning() {
        assertThatThrownBy(() -> charge(hotel()).patience(ofSeconds(60)).build())
                .hasMessageContaining("patience is for steps before the pivot");
        assertThatThrownBy(() -> SagaDefinition.of("trip", 1, Trip.class)
                        .step("note")
                        .local()
                        .compensateLocally()
                        .patience(ofSeconds(60))
                        .build())
                .hasMessageContaining("a local step sends nothing to resend");
        assertThatThrownBy(() -> hotel().patience(ofSeconds(-1)).build()).hasMessageContaining("must not be negative");
    }

    @Test
    void refusesSettingsBeforeTheFirstStep() {
        assertThatThrownBy(() -> SagaDefinition.of("trip", 1, Trip.class).timeout(ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
    }

    private static SagaDefinition.Builder<Trip> hotel() {
        return SagaDefinition.of("trip", 1, Trip.class)
                .step("book hotel")
                .invoke(Trips.HOTELS, trip -> new BookHotel(trip.id()))
                .onSuccess(HotelBooked.class)
                .onFailure(HotelFull.class)
                .compensateWith(Trips.HOTELS, trip -> new CancelHotel(trip.id()))
                .compensated(HotelCancelled.class);
    }

    private static SagaDefinition.Builder<Trip> charge(SagaDefinition.Builder<Trip> builder) {
        return builder.step("charge card")
                .kind(PIVOT)
                .invoke(Trips.PAYMENTS, trip -> new ChargeCard(trip.id()))
                .onSuccess(CardCharged.class);
    }
}
