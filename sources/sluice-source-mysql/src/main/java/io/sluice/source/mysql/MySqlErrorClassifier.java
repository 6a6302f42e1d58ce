package io.sluice.source.mysql;

import io.sluice.spi.ErrorKind;
import io.sluice.spi.FailureMessages;
import io.sluice.spi.SluiceException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import javax.net.ssl.SSLException;

/**
 * Turns driver exceptions into {@link SluiceException}s at the connector's boundary: whether a retry may help
 * ({@link ErrorKind#TRANSIENT}) or not, with a one-line reason taken from the server's message. MySQL's messages
 * never contain the password.
 */
final class MySqlErrorClassifier {
  /** ER_ACCESS_DENIED_ERROR: wrong user or password. */
  static final int ACCESS_DENIED = 1045;
  /** ER_BAD_DB_ERROR: unknown database. */
  static final int UNKNOWN_DATABASE = 1049;
  /** ER_TABLEACCESS_DENIED_ERROR: e.g. SELECT command denied to user for table. */
  static final int TABLE_ACCESS_DENIED = 1142;
  /** ER_SPECIFIC_ACCESS_DENIED_ERROR: a global privilege such as REPLICATION CLIENT is missing. */
  static final int SPECIFIC_ACCESS_DENIED = 1227;
  /** ER_NO_SUCH_TABLE. */
  static final int NO_SUCH_TABLE = 1146;

  private MySqlErrorClassifier() {}

  /** A failed connection attempt: "Cannot connect to mysql at host:port as user: reason". */
  static SluiceException connectFailure(MySqlConfig config, SQLException e) {
    return new SluiceException(kind(e), "Cannot connect to mysql at " + config.address() + " as "
        + config.username() + ": " + reason(e), e);
  }

  /** A failure of an established connection, e.g. {@code action} = "Cannot read shop.orders". */
  static SluiceException failure(String action, SQLException e) {
    return new SluiceException(kind(e), action + ": " + reason(e), e);
  }

  static ErrorKind kind(SQLException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof UnknownHostException || cause instanceof SSLException
          || cause instanceof GeneralSecurityException) {
        return ErrorKind.PERMANENT;
      }
    }
    int code = e.getErrorCode();
    if (code == ACCESS_DENIED || code == UNKNOWN_DATABASE || code == TABLE_ACCESS_DENIED
        || code == SPECIFIC_ACCESS_DENIED || code == NO_SUCH_TABLE) {
      return ErrorKind.PERMANENT;
    }
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("ssl")) {
      return ErrorKind.PERMANENT;
    }
    if (state.startsWith("08") // connection exceptions: refused, dropped, timed out
        || state.startsWith("40") // deadlock, lock wait timeout rolled back
        || code == 1205 // lock wait timeout
        || code == 1040 // too many connections
        || code == 1053 // server shutdown in progress
        || code == 2013 || code == 2006) { // lost connection, server has gone away
      return ErrorKind.TRANSIENT;
    }
    if (state.isEmpty() && FailureMessages.hasCause(e, IOException.class)) {
      return ErrorKind.TRANSIENT;
    }
    return ErrorKind.PERMANENT;
  }

  /** The server's message with the root cause's, on one line, without the driver's "(conn=N)" prefix. */
  static String reason(Throwable e) {
    Throwable root = FailureMessages.rootCause(e);
    if (root instanceof java.security.cert.CertPathBuilderException
        || root instanceof java.security.cert.CertPathValidatorException) {
      return FailureMessages.untrustedCertificate(root);
    }
    return FailureMessages.withRootCause(String.valueOf(e.getMessage()).replaceFirst("^\\(conn=\\d+\\) ", ""), e);
  }
}
