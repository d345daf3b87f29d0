using LazyLecture.Web.Api;
using LazyLecture.Web.Sessions;
using Xunit;

namespace LazyLecture.Tests.Web.Sessions;

/// <summary>Pure tests (no application): how a web session renews its API tokens. The API's refresh tokens are single use.</summary>
public sealed class TokenSessionTests
{
    [Fact]
    public async Task Callers_that_find_the_same_expired_token_renew_it_once_and_all_get_the_new_pair()
    {
        var session = new TokenSession("s", "10.0.0.1", new TokenPair("access-1", "refresh-1", 1800));
        var spent = new List<string>();
        var gate = new TaskCompletionSource();

        async Task<TokenPair> RefreshAsync(string refreshToken)
        {
            lock (spent)
            {
                spent.Add(refreshToken);
            }

            await gate.Task;
            return new TokenPair("access-2", "refresh-2", 1800);
        }

        var first = session.RefreshAsync("access-1", RefreshAsync, TestContext.Current.CancellationToken);
        var second = session.RefreshAsync("access-1", RefreshAsync, TestContext.Current.CancellationToken);
        gate.SetResult();

        Assert.Equal("access-2", (await first).AccessToken);
        Assert.Equal("access-2", (await second).AccessToken);
        Assert.Equal(["refresh-1"], spent); // the rotated refresh token is never presented twice (that would revoke its family)
        Assert.Equal("refresh-2", session.Tokens.RefreshToken);
        Assert.InRange(session.AccessExpiresAt, DateTimeOffset.UtcNow.AddMinutes(29), DateTimeOffset.UtcNow.AddMinutes(31));
    }

    [Fact]
    public async Task A_failed_renewal_leaves_the_old_pair_and_the_next_caller_tries_again()
    {
        var session = new TokenSession("s", "10.0.0.1", new TokenPair("access-1", "refresh-1", 1800));

        await Assert.ThrowsAsync<SessionEndedException>(() =>
            session.RefreshAsync("access-1", _ => throw new SessionEndedException(), TestContext.Current.CancellationToken));
        var renewed = await session.RefreshAsync("access-1", _ => Task.FromResult(new TokenPair("access-2", "refresh-2", 60)), TestContext.Current.CancellationToken);

        Assert.Equal("access-2", renewed.AccessToken);
    }

    [Fact]
    public void The_store_finds_a_session_by_its_id_until_it_is_removed_and_ids_are_unguessable()
    {
        var store = new TokenSessionStore();
        var one = store.Create(new TokenPair("a", "r", 1800), "10.0.0.1");
        var two = store.Create(new TokenPair("b", "r2", 1800), "10.0.0.2");

        Assert.Same(one, store.Find(one.Id));
        Assert.NotEqual(one.Id, two.Id);
        Assert.True(Convert.FromBase64String(one.Id).Length >= 32);
        store.Remove(one.Id);
        Assert.Null(store.Find(one.Id));
        Assert.Null(store.Find(null));
        Assert.Same(two, store.Find(two.Id));
    }
}
