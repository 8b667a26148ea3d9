package io.sagaline.inventory.internal;

import io.sagaline.messaging.contract.Money;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** The demo's stock: two SKUs in stock and one out of stock. Safe to run on every start. */
@Component
@Profile("demo")
class DemoSeed implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoSeed.class);

    private final Stock stock;

    DemoSeed(Stock stock) {
        this.stock = stock;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (var counts : new SkuCounts[] {
            stock.stockUpTo("BOOK-1", 100, Money.of(19_99, "EUR")),
            stock.stockUpTo("MUG-1", 50, Money.of(9_50, "EUR")),
            stock.stockUpTo("LAMP-1", 0, Money.of(0, "EUR"))
        }) {
            log.info("Demo stock {}", counts);
        }
    }
}
