@NullMarked
package io.sagaline.inventory.internal;

import org.jspecify.annotations.NullMarked;
