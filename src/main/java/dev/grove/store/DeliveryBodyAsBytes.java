package dev.grove.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Migration 3: a delivery's body is kept as the bytes GitHub sent ({@code payload}, binary), not as text
 * ({@code body}). H2 wrote a text value character by character (one variable-length integer each) and hashed the
 * whole string on the way in: on the durable-intake benchmark that was about half of the intake writer's time.
 * Bodies still waiting (queued or failed) are copied over, as UTF-8, which is what GitHub sends. In Java because
 * the two databases spell that conversion differently.
 */
final class DeliveryBodyAsBytes implements JavaMigration {
    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("3");
    }

    @Override
    public String getDescription() {
        return "delivery body as bytes";
    }

    @Override
    public Integer getChecksum() {
        return 3;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        // each step may run again: on H2 every DDL statement commits at once, so a process killed in the middle of
        // this migration leaves its first steps done, and the next start runs it all again
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("alter table grove_delivery add column if not exists payload bytea");
        }
        try (ResultSet body = c.getMetaData().getColumns(null, c.getSchema(), "grove_delivery", "body")) {
            if (!body.next()) return; // dropped by the run that was cut off
        }
        try (PreparedStatement read = c.prepareStatement(
                "select delivery_id, body from grove_delivery where body is not null and payload is null");
                PreparedStatement write = c.prepareStatement(
                        "update grove_delivery set payload = ? where delivery_id = ?");
                ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                write.setBytes(1, rs.getString(2).getBytes(StandardCharsets.UTF_8));
                write.setString(2, rs.getString(1));
                write.executeUpdate();
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("alter table grove_delivery drop column body");
        }
    }
}
