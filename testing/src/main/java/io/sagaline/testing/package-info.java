/**
 * Real PostgreSQL and Kafka servers for integration tests, the same API on every machine: external
 * servers named by {@code SAGALINE_TEST_*} environment variables, Testcontainers where a Docker
 * engine answers, or local processes started by {@code infra/local/start} otherwise. Start with
 * {@link io.sagaline.testing.TestInfrastructure}.
 */
@NullMarked
package io.sagaline.testing;

import org.jspecify.annotations.NullMarked;
