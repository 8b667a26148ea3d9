/**
 * Open-loop load generator and benchmark of the saga system against a two-phase-commit baseline
 * (docs/benchmarks.md).
 */
@NullMarked
package io.sagaline.loadgen;

import org.jspecify.annotations.NullMarked;
