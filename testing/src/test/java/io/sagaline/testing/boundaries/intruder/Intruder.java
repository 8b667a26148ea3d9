package io.sagaline.testing.boundaries.intruder;

import io.sagaline.testing.boundaries.owner.internal.Hidden;

/** Reaches into another package's internal package, as nothing may. */
public final class Intruder {

    public static int value() {
        return Hidden.value();
    }
}
