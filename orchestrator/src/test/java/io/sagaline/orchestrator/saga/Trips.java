package io.sagaline.orchestrator.saga;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import org.jspecify.annotations.Nullable;

/** A small saga, unlike the order saga, to try the engine's general rules on. */
final class Trips {

    static final String HOTELS = "hotel.commands";
    static final String FLIGHTS = "flight.commands";
    static final String PAYMENTS = "card.commands";

    record Trip(String id, @Nullable String hotelBooking) {}

    record BookHotel(String trip) {}

    record HotelBooked(String booking) {}

    record HotelFull() {}

    record CancelHotel(String trip) {}

    record HotelCancelled() {}

    record BookFlight(String trip, @Nullable String hotelBooking) {}

    record FlightBooked() {}

    record FlightSystemBusy() {}

    record CancelFlight(String trip) {}

    record FlightCancelled() {}

    record ChargeCard(String trip) {}

    record CardCharged() {}

    static final Trip TRIP = new Trip("trip-1", null);

    static final SagaDefinition<Trip> DEFINITION = SagaDefinition.of("trip", 2, Trip.class)
            .step("book hotel")
            .invoke(HOTELS, trip -> new BookHotel(trip.id()))
            .onSuccess(HotelBooked.class, (trip, booked) -> new Trip(trip.id(), booked.booking()))
            .onFailure(HotelFull.class)
            .compensateWith(HOTELS, trip -> new CancelHotel(trip.id()))
            .compensated(HotelCancelled.class)
            .timeout(ofSeconds(5))
            .retry(RetryPolicy.exponential(2, ofMillis(100), ofSeconds(1)))
            .step("note the hotel")
            .local()
            .compensateLocally()
            .step("book flight")
            .invoke(FLIGHTS, trip -> new BookFlight(trip.id(), trip.hotelBooking()))
            .onSuccess(FlightBooked.class)
            .onRetryableFailure(FlightSystemBusy.class)
            .compensateWith(FLIGHTS, trip -> new CancelFlight(trip.id()))
            .compensated(FlightCancelled.class)
            .timeout(ofSeconds(5))
            .retry(RetryPolicy.exponential(3, ofMillis(100), ofSeconds(1)))
            .step("charge card")
            .kind(StepKind.PIVOT)
            .invoke(PAYMENTS, trip -> new ChargeCard(trip.id()))
            .onSuccess(CardCharged.class)
            .build();

    private Trips() {}
}
