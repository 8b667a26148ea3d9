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
