using Identity.Accounts;
using Identity.SignIn;
using Microsoft.AspNetCore.Identity;

namespace Subsidy.UnitTests.Identity;

public class PasswordOfNobodyTests
{
    /// <summary>The service's hasher, counting the checks it makes.</summary>
    private sealed class CountingHasher : IPasswordHasher<Account>
    {
        private readonly PasswordHasher<Account> _real = new();

        public int Verified { get; private set; }

        public string HashPassword(Account user, string password) =>
            _real.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(
            Account user,
            string hashedPassword,
            string providedPassword
        )
        {
            Verified++;
            return _real.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [Fact]
    public void An_unknown_user_name_costs_one_password_check_like_a_real_account()
    {
        var hasher = new CountingHasher();

        PasswordOfNobody.Verify(hasher, "猜的密码");
        PasswordOfNobody.Verify(hasher, "another guess");

        Assert.Equal(2, hasher.Verified);
    }
}
