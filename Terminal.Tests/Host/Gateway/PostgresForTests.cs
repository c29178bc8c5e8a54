using System;
using LeoCarte.Tools.Shared;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Npgsql;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// PostgreSQL for the tests: LEOCARTE_TEST_POSTGRES (a scratch database's connection string) when set, else
/// one throwaway cluster for the whole run (Tools/Shared/ThrowawayPostgres: initdb in a temp folder, free
/// loopback port, socket in that folder), stopped and deleted at the end of the run — also when tests fail.
/// Where no server binaries exist the PostgreSQL tests are skipped (Inconclusive) with one line saying why.
/// Each test works in a schema of its own.
/// </summary>
[TestClass]
public class PostgresForTests
{
    private static readonly object Gate = new();
    private static ThrowawayPostgres cluster;
    private static string baseConnection;
    private static string unavailable;

    /// <summary>The base connection string, starting the cluster at the first call; Inconclusive where none can run.</summary>
    public static string BaseConnection()
    {
        lock (Gate)
        {
            if (baseConnection == null && unavailable == null)
            {
                string configured = Environment.GetEnvironmentVariable("LEOCARTE_TEST_POSTGRES");
                if (!string.IsNullOrEmpty(configured))
                {
                    baseConnection = configured;
                }
                else if ((unavailable = ThrowawayPostgres.Unavailable()) == null)
                {
                    try
                    {
                        cluster = ThrowawayPostgres.Start();
                        baseConnection = cluster.ConnectionString;
                    }
                    catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
                    {
                        unavailable = "could not start a throwaway PostgreSQL cluster: " + e.Message.Split('\n')[0];
                    }
                }
            }

            if (baseConnection == null)
            {
                Assert.Inconclusive(unavailable);
            }

            return baseConnection;
        }
    }

    /// <summary>A fresh schema; the connection string searches it first.</summary>
    public static string NewSchema(out string schema)
    {
        string connection = BaseConnection();
        schema = "leocarte_test_" + Guid.NewGuid().ToString("N")[..12];
        Run(connection, $"CREATE SCHEMA {schema}");
        return new NpgsqlConnectionStringBuilder(connection) { SearchPath = schema }.ConnectionString;
    }

    public static void DropSchema(string schema)
    {
        if (schema != null && baseConnection != null)
        {
            NpgsqlConnection.ClearAllPools();
            Run(baseConnection, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    public static void Run(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    [AssemblyCleanup]
    public static void StopCluster()
    {
        lock (Gate)
        {
            cluster?.Dispose();
            cluster = null;
        }
    }
}
