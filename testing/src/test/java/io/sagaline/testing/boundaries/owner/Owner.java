package io.sagaline.testing.boundaries.owner;

import io.sagaline.testing.boundaries.owner.internal.Hidden;

/** Uses its own internal package, as it may. */
public final class Owner {

    public static int value() {
        return Hidden.value();
    }
}
