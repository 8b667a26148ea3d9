@NullMarked
package io.sagaline.testing.internal;

import org.jspecify.annotations.NullMarked;
