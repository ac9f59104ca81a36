using Identity.Accounts;
using Identity.Keys;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Identity.Data;

/// <summary>
/// The identity database: Identity's accounts (users, their authenticator keys and recovery codes),
/// OpenIddict's applications, authorizations and tokens, the data-protection keys of the sign-in
/// cookies and the token signing keys. The schema is the numbered SQL in Migrations/ (made from
/// this model by <c>Identity schema</c>), applied by DbUp like every other service's.
/// </summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options)
    : IdentityUserContext<Account>(options),
        IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.Entity<Account>(account =>
        {
            account.Property(a => a.DisplayName).HasMaxLength(64);
            account.Property(a => a.Role).HasMaxLength(32);
            account.Property(a => a.Scope).HasMaxLength(12);
            account.HasIndex(a => a.Scope);
        });
        builder.Entity<SigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasColumnName("id");
            key.Property(k => k.Use).HasColumnName("use");
            key.Property(k => k.Material).HasColumnName("material");
            key.Property(k => k.CreatedAt).HasColumnName("created_at");
            key.Property(k => k.RetiredAt).HasColumnName("retired_at");
        });
    }
}
