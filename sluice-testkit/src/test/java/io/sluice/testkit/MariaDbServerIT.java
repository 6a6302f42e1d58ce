package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class MariaDbServerIT {
  @Test
  void startsWithRowBinlogAndCheckedLogins() throws SQLException {
    try (MariaDbServer server = MariaDbServer.start()) {
      try (Connection connection = server.connect("");
          Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery(
              "SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata, VERSION()")) {
        assertThat(result.next()).isTrue();
        assertThat(result.getInt(1)).isEqualTo(1);
        assertThat(result.getString(2)).isEqualTo("ROW");
        assertThat(result.getString(3)).isEqualTo("FULL");
        assertThat(result.getString(4)).isEqualTo("FULL");
        assertThat(result.getString(5)).startsWith("11.4");
      }
      assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(""), MariaDbServer.USER, "wrong").close())
          .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
    }
  }
}
