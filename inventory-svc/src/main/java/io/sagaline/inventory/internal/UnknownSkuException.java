package io.sagaline.inventory.internal;

class UnknownSkuException extends RuntimeException {

    UnknownSkuException(String sku) {
        super("no SKU " + sku);
    }
}
