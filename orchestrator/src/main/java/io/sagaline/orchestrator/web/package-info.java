/**
 * What every endpoint shares: errors as {@code application/problem+json}, authentication of the
 * operators' actions, the request size limit and the OpenAPI document.
 */
@NullMarked
package io.sagaline.orchestrator.web;

import org.jspecify.annotations.NullMarked;
