/** The implementation of the two-phase-commit coordinator; nothing here is used by other modules. */
@NullMarked
package io.sagaline.twopc.internal;

import org.jspecify.annotations.NullMarked;
