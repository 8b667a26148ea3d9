package io.sagaline.payment.internal;

record Account(String customerId, String currency, long creditLimit, Status status) {

    enum Status {
        ACTIVE,
        FROZEN
    }
}
