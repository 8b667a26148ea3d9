package io.sagaline.testing.boundaries.owner.internal;

/** Belongs to {@code boundaries.owner}; {@link io.sagaline.testing.InternalPackagesTest} has it used from outside. */
public final class Hidden {

    public static int value() {
        return 1;
    }
}
