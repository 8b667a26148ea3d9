package io.sagaline.shipment.internal;

import java.util.List;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Demo carriers (profile {@code demo}): region {@code north} is served by one carrier, {@code
 * central} by two, {@code south} by none. Safe to run on every start: existing carriers are kept
 * as they are.
 */
@Component
@Profile("demo")
class DemoSeed implements ApplicationRunner {

    private final Carriers carriers;

    DemoSeed(Carriers carriers) {
        this.carriers = carriers;
    }

    @Override
    public void run(ApplicationArguments args) {
        carriers.ensure("Northwind Express", List.of("north", "central"), 1000);
        carriers.ensure("Metro Couriers", List.of("central"), 200);
    }
}
