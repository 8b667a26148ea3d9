package io.sagaline.twopc;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the two-phase-commit coordinator: the checkout as one distributed transaction. */
@SpringBootApplication
public class TwoPhaseCommitApplication {

    public static void main(String[] args) {
        SpringApplication.run(TwoPhaseCommitApplication.class, args);
    }
}
