package io.sagaline.inventory.internal;

/** How many units of an SKU are in each state; their sum is every unit ever added. */
record SkuCounts(String sku, long available, long reserved, long allocated) {

    long total() {
        return available + reserved + allocated;
    }
}
