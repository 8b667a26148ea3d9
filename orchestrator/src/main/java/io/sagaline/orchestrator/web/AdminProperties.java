package io.sagaline.orchestrator.web;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code sagaline.admin.*}: the operator allowed to retry, abort and resolve sagas, and request
 * limits.
 *
 * @param username the operator's user name
 * @param password the operator's password, plain or in Spring Security's {@code {id}hash} form;
 *     without one every operator action is refused (only the {@code local} profile sets one)
 * @param maxRequestSize larger request bodies are refused with 413
 */
@ConfigurationProperties("sagaline.admin")
record AdminProperties(
        @DefaultValue("operator") String username,
        @Nullable String password,
        @DefaultValue("64KB") DataSize maxRequestSize) {}
