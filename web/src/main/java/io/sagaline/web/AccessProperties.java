package io.sagaline.web;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code sagaline.security.*}: who may call a service's HTTP API and how much they may send, the
 * same in every service. An account without a password does not exist; a service without an operator password
 * starts read-only (every change answers 401). Only the {@code local} profile sets passwords.
 *
 * @param reads who may read: {@code open} (anyone, the default) or {@code viewer} (any account)
 * @param operator may do anything: set up accounts, stock and carriers, act on sagas, place orders
 *     (user name {@code operator} unless set)
 * @param client a shop's backend: may place orders and read (user name {@code client} unless set)
 * @param viewer may read only (user name {@code viewer} unless set)
 * @param maxRequestSize a larger request body is refused with 413 before anything reads it
 */
@ConfigurationProperties("sagaline.security")
public record AccessProperties(
        @DefaultValue("open") Reads reads,
        @DefaultValue Account operator,
        @DefaultValue Account client,
        @DefaultValue Account viewer,
        @DefaultValue("64KB") DataSize maxRequestSize) {

    /** Who may make a request that changes nothing. */
    public enum Reads {
        OPEN,
        VIEWER
    }

    /** The roles, as Spring Security names them without the {@code ROLE_} prefix. */
    public enum Role {
        OPERATOR,
        CLIENT,
        VIEWER;

        public String property() {
            return "sagaline.security." + name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One account.
     *
     * @param username its user name; the role's name in lower case when not set
     * @param password plain (kept only as a SHA-256 digest and compared in constant time) or in
     *     Spring Security's {@code {bcrypt}...} form; none means the account does not exist
     */
    public record Account(
            @Nullable String username, @Nullable String password) {

        public boolean exists() {
            return password != null && !password.isBlank();
        }

        Account named(Role role) {
            return username == null ? new Account(role.name().toLowerCase(Locale.ROOT), password) : this;
        }
    }

    public AccessProperties {
        operator = operator.named(Role.OPERATOR);
        client = client.named(Role.CLIENT);
        viewer = viewer.named(Role.VIEWER);
        Map<String, Role> byName = new LinkedHashMap<>();
        accounts(operator, client, viewer).forEach((role, account) -> {
            if (account.username() == null || account.username().isBlank()) {
                throw new IllegalArgumentException(role.property() + ".username must not be blank");
            }
            Role same = byName.putIfAbsent(account.username(), role);
            if (same != null) {
                throw new IllegalArgumentException(same.property() + " and " + role.property()
                        + " have the same username '" + account.username() + "'; give each account its own");
            }
        });
    }

    /** The accounts that exist (those with a password), by role. */
    public Map<Role, Account> accounts() {
        return accounts(operator, client, viewer);
    }

    private static Map<Role, Account> accounts(Account operator, Account client, Account viewer) {
        Map<Role, Account> accounts = new LinkedHashMap<>();
        accounts.put(Role.OPERATOR, operator);
        accounts.put(Role.CLIENT, client);
        accounts.put(Role.VIEWER, viewer);
        accounts.values().removeIf(account -> !account.exists());
        return accounts;
    }
}
