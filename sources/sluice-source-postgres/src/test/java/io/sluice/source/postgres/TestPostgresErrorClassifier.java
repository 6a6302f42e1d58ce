package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spi.ErrorKind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TestPostgresErrorClassifier {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "28P01, PERMANENT", // password authentication failed
      "28000, PERMANENT", // unknown role, no pg_hba entry
      "3D000, PERMANENT", // unknown database
      "42501, PERMANENT", // permission denied
      "42P01, PERMANENT", // undefined table
      "22003, PERMANENT", // numeric out of range
      "08001, TRANSIENT", // unable to connect
      "08006, TRANSIENT", // connection failure
      "53300, TRANSIENT", // too many connections
      "57P01, TRANSIENT", // admin shutdown
      "57P03, TRANSIENT", // cannot connect now (starting up)
      "57014, TRANSIENT", // query cancelled
      "40001, TRANSIENT", // serialization failure
      "55P03, TRANSIENT", // lock not available
  })
  void classifiesBySqlState(String state, ErrorKind kind) {
    assertThat(PostgresErrorClassifier.kind(new SQLException("x", state))).isEqualTo(kind);
  }

  @Test
  void unknownHostsAndCertificateProblemsArePermanentEvenAsConnectionErrors() {
    assertThat(PostgresErrorClassifier.kind(new SQLException("x", "08001", new UnknownHostException("db.invalid"))))
        .isEqualTo(ErrorKind.PERMANENT);
    assertThat(PostgresErrorClassifier.kind(new SQLException("x", "08006", new SSLHandshakeException("bad cert"))))
        .isEqualTo(ErrorKind.PERMANENT);
    assertThat(PostgresErrorClassifier.kind(new SQLException("The server does not support SSL.", "08004")))
        .isEqualTo(ErrorKind.PERMANENT);
    assertThat(PostgresErrorClassifier.kind(new SQLException("x", null, new IOException("reset"))))
        .isEqualTo(ErrorKind.TRANSIENT);
  }

  @Test
  void reasonAddsTheRootCauseOnce() {
    assertThat(PostgresErrorClassifier.reason(
        new SQLException("The connection attempt failed.", "08001", new UnknownHostException("db.invalid"))))
        .isEqualTo("The connection attempt failed. (unknown host db.invalid)");
    assertThat(PostgresErrorClassifier.reason(new SQLException("Connection refused\nmore", "08001",
        new ConnectException("Connection refused")))).isEqualTo("Connection refused more");
  }
}
