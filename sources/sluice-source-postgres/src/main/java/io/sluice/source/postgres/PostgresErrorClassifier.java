package io.sluice.source.postgres;

import io.sluice.spi.ErrorKind;
import io.sluice.spi.FailureMessages;
import io.sluice.spi.SluiceException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import javax.net.ssl.SSLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns driver exceptions into {@link SluiceException}s at the connector's boundary: whether a retry may help
 * ({@link ErrorKind#TRANSIENT}) or not ({@link ErrorKind#PERMANENT}), with a one-line reason taken from the
 * server's message. Nothing here ever sees the password, and PostgreSQL's messages do not contain it.
 */
final class PostgresErrorClassifier {
  private PostgresErrorClassifier() {}

  /** A failed connection attempt: "Cannot connect to postgres at host:port/database as user: reason". */
  static SluiceException connectFailure(PostgresConfig config, SQLException e) {
    String reason = reason(e);
    if (reason.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
      // A server that accepts the connection and never answers ends here too; say how long we waited.
      reason = reason + " (no answer within connect_timeout_seconds = " + config.connectTimeoutSeconds() + ")";
    }
    return new SluiceException(kind(e), "Cannot connect to postgres at " + config.address() + " as "
        + config.username() + ": " + reason, e);
  }

  /** A failure of an established connection, e.g. {@code action} = "Cannot read public.orders". */
  static SluiceException failure(String action, SQLException e) {
    return new SluiceException(kind(e), action + ": " + reason(e), e);
  }

  static ErrorKind kind(SQLException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof UnknownHostException || cause instanceof SSLException
          || cause instanceof GeneralSecurityException) {
        // A misspelt host or a certificate problem does not heal by retrying.
        return ErrorKind.PERMANENT;
      }
    }
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("08004") && String.valueOf(e.getMessage()).contains("SSL")) {
      return ErrorKind.PERMANENT;
    }
    if (state.startsWith("08") // connection exceptions: refused, dropped, timed out
        || state.startsWith("53") // insufficient resources, too many connections
        || state.startsWith("40") // serialization failure, deadlock
        || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") // shutdown, crash, starting up
        || state.equals("57014") // query cancelled (statement_timeout)
        || state.equals("55P03") // lock not available
        || state.startsWith("58")) { // I/O errors on the server
      return ErrorKind.TRANSIENT;
    }
    if (state.isEmpty() && FailureMessages.hasCause(e, IOException.class)) {
      return ErrorKind.TRANSIENT;
    }
    // Authentication (28), unknown database (3D), privileges and unknown objects (42), bad data (22), ...
    return ErrorKind.PERMANENT;
  }

  /** The server's own message (and hint) when there is one, else the driver's, with the root cause's. */
  static String reason(SQLException e) {
    String reason;
    ServerErrorMessage server = e instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
    if (server != null && server.getMessage() != null) {
      reason = server.getMessage() + (server.getHint() == null ? "" : " (hint: " + server.getHint() + ")");
    } else {
      reason = String.valueOf(e.getMessage());
    }
    Throwable root = FailureMessages.rootCause(e);
    if (root instanceof java.security.cert.CertPathBuilderException) {
      return FailureMessages.untrustedCertificate(root);
    }
    return FailureMessages.withRootCause(reason, e);
  }
}
