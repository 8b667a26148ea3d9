/** The security filter chain and password handling behind {@link io.sagaline.web.AccessProperties}. */
@NullMarked
package io.sagaline.web.internal;

import org.jspecify.annotations.NullMarked;
