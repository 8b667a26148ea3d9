@NullMarked
package io.sagaline.notification.internal;

import org.jspecify.annotations.NullMarked;
