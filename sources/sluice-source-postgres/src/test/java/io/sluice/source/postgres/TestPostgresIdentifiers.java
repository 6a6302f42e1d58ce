package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestPostgresIdentifiers {

  @Test
  void quotesEveryNameAndDoublesInnerQuotes() {
    assertThat(PostgresIdentifiers.quote("orders")).isEqualTo("\"orders\"");
    assertThat(PostgresIdentifiers.quote("Mixed Case")).isEqualTo("\"Mixed Case\"");
    assertThat(PostgresIdentifiers.quote("a.b")).isEqualTo("\"a.b\"");
    assertThat(PostgresIdentifiers.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(PostgresIdentifiers.quote("\"")).isEqualTo("\"\"\"\"");
    assertThat(PostgresIdentifiers.quote("ünï ☃ 表")).isEqualTo("\"ünï ☃ 表\"");
    assertThat(PostgresIdentifiers.quote("select")).isEqualTo("\"select\"");
    assertThat(PostgresIdentifiers.quote("x'; DROP TABLE t; --")).isEqualTo("\"x'; DROP TABLE t; --\"");
  }

  @Test
  void qualifiedNamesQuoteEachPart() {
    assertThat(PostgresIdentifiers.quote("my schema", "a.\"b\"")).isEqualTo("\"my schema\".\"a.\"\"b\"\"\"");
  }

  @Test
  void refusesNul() {
    assertThatThrownBy(() -> PostgresIdentifiers.quote("a\0b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
  }
}
