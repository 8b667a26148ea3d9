package io.sagaline.shipment;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** shipment-svc: listens on {@code shipment.commands}, replies on {@code saga.replies}, port 8083. */
@SpringBootApplication
public class ShipmentApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShipmentApplication.class, args);
    }
}
