using Subsidy.ServiceDefaults.Messaging;

namespace Subsidy.UnitTests.ServiceDefaults;

public sealed class BrokerAddressTests
{
    [Fact]
    public void One_node_is_the_uri_as_given_and_no_cluster()
    {
        var broker = BrokerAddress.Parse("amqp://guest:secret@127.0.0.1:5672/");
        Assert.Equal(new Uri("amqp://guest:secret@127.0.0.1:5672/"), broker.Uri);
        Assert.Equal([("127.0.0.1", 5672)], broker.Nodes);
        Assert.False(broker.IsCluster);
    }

    [Fact]
    public void A_cluster_names_every_node_in_the_host_part_and_keeps_the_credentials_and_virtual_host()
    {
        var broker = BrokerAddress.Parse(
            "amqp://guest:secret@127.0.0.1:5701,127.0.0.1:5702,rabbit-3:5703/county"
        );
        Assert.Equal(new Uri("amqp://guest:secret@127.0.0.1:5701/county"), broker.Uri);
        Assert.Equal([("127.0.0.1", 5701), ("127.0.0.1", 5702), ("rabbit-3", 5703)], broker.Nodes);
        Assert.True(broker.IsCluster);
    }

    [Fact]
    public void A_node_without_a_port_takes_amqps_or_amqp_default_port()
    {
        Assert.Equal([("a", 5672), ("b", 5672)], BrokerAddress.Parse("amqp://a,b/").Nodes);
        Assert.Equal([("a", 5671)], BrokerAddress.Parse("amqps://u:p@a/").Nodes);
    }

    [Fact]
    public void A_string_that_is_no_address_is_refused_in_chinese()
    {
        var refused = Assert.Throws<FormatException>(() => BrokerAddress.Parse("rabbit-1:5672"));
        Assert.Contains("消息队列连接配置", refused.Message);
    }
}
