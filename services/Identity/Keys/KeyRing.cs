using System.Security.Cryptography;
using Identity.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Identity.Keys;

/// <summary>
/// The keys the token server signs and encrypts with, kept in the identity database: made once on
/// the first start, the same on every later start and on every instance, replaced only by
/// <c>Identity keys rotate</c>. A rotated key is kept (published in the JWKS, still accepted for
/// decryption) for <see cref="RetainRetired"/>, so tokens and refresh tokens issued before the
/// rotation stay valid until they expire.
/// </summary>
public sealed class KeyRing
{
    public static readonly TimeSpan RetainRetired = TimeSpan.FromDays(2);

    public IReadOnlyList<SigningCredentials> Signing { get; private set; } = [];

    /// <summary>When the key that signs now was made; a key kept too long is due for rotation (the
    /// operators' alert).</summary>
    public DateTimeOffset? CurrentSigningKeyCreatedAt { get; private set; }
    public IReadOnlyList<EncryptingCredentials> Encryption { get; private set; } = [];

    /// <summary>Loads the keys, making the first of each kind when there is none.</summary>
    public async Task LoadAsync(IdentityDb db, CancellationToken cancellationToken)
    {
        foreach (var use in new[] { SigningKey.Signing, SigningKey.Encryption })
        {
            if (
                !await db.SigningKeys.AnyAsync(
                    k => k.Use == use && k.RetiredAt == null,
                    cancellationToken
                )
            )
            {
                db.SigningKeys.Add(NewKey(use));
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        Use(
            await db
                .SigningKeys.AsNoTracking()
                .Where(k =>
                    k.RetiredAt == null || k.RetiredAt > DateTimeOffset.UtcNow - RetainRetired
                )
                .ToListAsync(cancellationToken)
        );
    }

    /// <summary>Loads the keys from files the deployment gives (<see cref="KeyFiles"/>); the
    /// database's are then not used.</summary>
    public void LoadFrom(string directory)
    {
        var (keys, problem) = KeyFiles.Read(directory);
        if (problem is not null)
            throw new InvalidOperationException($"无法读取令牌密钥：{problem}");
        Use(keys);
    }

    private void Use(IReadOnlyList<SigningKey> keys)
    {
        // Newest first: OpenIddict signs with the first signing key and publishes them all.
        var ordered = keys.OrderBy(k => k.RetiredAt is null ? 0 : 1)
            .ThenByDescending(k => k.CreatedAt)
            .ToList();
        CurrentSigningKeyCreatedAt = ordered
            .FirstOrDefault(k => k.Use == SigningKey.Signing)
            ?.CreatedAt;
        Signing = ordered
            .Where(k => k.Use == SigningKey.Signing)
            .Select(k =>
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(k.Material);
                return new SigningCredentials(
                    new RsaSecurityKey(rsa) { KeyId = k.Id },
                    SecurityAlgorithms.RsaSha256
                );
            })
            .ToList();
        Encryption = ordered
            .Where(k => k.Use == SigningKey.Encryption)
            .Select(k => new EncryptingCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(k.Material)) { KeyId = k.Id },
                SecurityAlgorithms.Aes256KW,
                SecurityAlgorithms.Aes256CbcHmacSha512
            ))
            .ToList();
    }

    /// <summary>Retires the current keys for new ones and drops keys retired longer ago than <see
    /// cref="RetainRetired"/>.</summary>
    public static async Task<(string Signing, string Encryption)> RotateAsync(
        IdentityDb db,
        CancellationToken cancellationToken
    )
    {
        var now = DateTimeOffset.UtcNow;
        await db
            .SigningKeys.Where(k => k.RetiredAt != null && k.RetiredAt < now - RetainRetired)
            .ExecuteDeleteAsync(cancellationToken);
        await db
            .SigningKeys.Where(k => k.RetiredAt == null)
            .ExecuteUpdateAsync(k => k.SetProperty(p => p.RetiredAt, now), cancellationToken);
        var signing = NewKey(SigningKey.Signing);
        var encryption = NewKey(SigningKey.Encryption);
        db.SigningKeys.AddRange(signing, encryption);
        await db.SaveChangesAsync(cancellationToken);
        return (signing.Id, encryption.Id);
    }

    private static SigningKey NewKey(string use)
    {
        string material;
        if (use == SigningKey.Signing)
        {
            using var rsa = RSA.Create(3072);
            material = rsa.ExportPkcs8PrivateKeyPem();
        }
        else
        {
            material = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }
        var now = DateTimeOffset.UtcNow;
        return new SigningKey
        {
            Id =
                $"{use[..3]}-{now:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}",
            Use = use,
            Material = material,
            CreatedAt = now,
        };
    }
}
