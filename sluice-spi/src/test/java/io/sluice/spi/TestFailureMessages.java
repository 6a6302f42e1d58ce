package io.sluice.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TestFailureMessages {
  @Test
  void theRootCauseIsAppendedOnceAndEverythingStaysOnOneLine() {
    SQLException refused = new SQLException("Connection attempt failed.",
        new IOException("wrapped", new ConnectException("Connection refused")));
    assertThat(FailureMessages.withRootCause("Connection attempt failed.\nTry again", refused))
        .isEqualTo("Connection attempt failed. Try again (Connection refused)");

    SQLException saysItAlready = new SQLException("Connection refused", new ConnectException("Connection refused"));
    assertThat(FailureMessages.withRootCause(saysItAlready.getMessage(), saysItAlready))
        .isEqualTo("Connection refused");

    SQLException unknownHost = new SQLException("The connection attempt failed.",
        new UnknownHostException("db.invalid"));
    assertThat(FailureMessages.withRootCause(unknownHost.getMessage(), unknownHost))
        .isEqualTo("The connection attempt failed. (unknown host db.invalid)");

    SQLException alone = new SQLException("permission denied for table orders");
    assertThat(FailureMessages.withRootCause(alone.getMessage(), alone)).isEqualTo(alone.getMessage());
  }

  @Test
  void causesAreFoundBelowTheFailureButNotInIt() {
    SQLException failure = new SQLException("x", new RuntimeException(new CertPathBuilderException("no path")));
    assertThat(FailureMessages.hasCause(failure, CertPathBuilderException.class)).isTrue();
    assertThat(FailureMessages.hasCause(failure, SQLException.class)).isFalse();
    assertThat(FailureMessages.rootCause(failure)).isInstanceOf(CertPathBuilderException.class);
    assertThat(FailureMessages.untrustedCertificate(FailureMessages.rootCause(failure)))
        .isEqualTo("the server's TLS certificate is not signed by the CA in ssl_root_cert (certificate "
            + "verification failed: no path)");
  }
}
