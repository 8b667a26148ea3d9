@NullMarked
package io.sagaline.relay.internal;

import org.jspecify.annotations.NullMarked;
