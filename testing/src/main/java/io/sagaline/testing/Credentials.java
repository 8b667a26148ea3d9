package io.sagaline.testing;

/** A database user name and its password. */
public record Credentials(String user, String password) {

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=***]";
    }
}
