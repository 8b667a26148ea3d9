/**
 * The operators' view of the sagas: {@code /api/sagas} to find and inspect them, and to retry,
 * abort or resolve one. Reads the orchestrator's tables directly; writes only through
 * {@link io.sagaline.orchestrator.runtime.Sagas}.
 */
@NullMarked
package io.sagaline.orchestrator.admin;

import org.jspecify.annotations.NullMarked;
