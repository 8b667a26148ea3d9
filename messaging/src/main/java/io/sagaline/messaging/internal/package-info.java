@NullMarked
package io.sagaline.messaging.internal;

import org.jspecify.annotations.NullMarked;
