package io.sagaline.testing;

/**
 * A database created by {@link PostgresServer#createDatabase(String)}, or one schema of a database
 * created by {@link PostgresServer#createDatabase(String, java.util.List)}: the login role {@code
 * user} owns it, and {@code jdbcUrl} lands a session in {@code schema}.
 *
 * @param name the database's name
 * @param schema {@code public} for a database of its own, else the schema within the shared database
 */
public record TestDatabase(String name, String jdbcUrl, String user, String password, String schema) {

    public Credentials credentials() {
        return new Credentials(user, password);
    }

    @Override
    public String toString() {
        return "TestDatabase[name=" + name + ", schema=" + schema + ", jdbcUrl=" + jdbcUrl + ", user=" + user
                + ", password=***]";
    }
}
