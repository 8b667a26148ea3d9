package io.sagaline.inventory.internal;

import io.sagaline.web.ApiException;
import org.springframework.http.HttpStatus;

class UnknownSkuException extends ApiException {

    UnknownSkuException(String sku) {
        super(HttpStatus.NOT_FOUND, "Unknown SKU", "no SKU " + sku);
    }
}
