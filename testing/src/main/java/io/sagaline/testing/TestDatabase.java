package io.sagaline.testing;

/**
 * A database created by {@link PostgresServer#createDatabase(String)}: owned by a login role of the
 * same name, whose password is {@code password}.
 */
public record TestDatabase(String name, String jdbcUrl, String user, String password) {

    public Credentials credentials() {
        return new Credentials(user, password);
    }

    @Override
    public String toString() {
        return "TestDatabase[name=" + name + ", jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=***]";
    }
}
