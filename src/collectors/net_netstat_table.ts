/**
 * The chart table of /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6 (data only): Netdata
 * 1.37's ip.*, ipv4.*, ipv6.*, system.ip and system.ipv6 charts with their options, read by
 * `net_netstat.ts`.
 * @module
 */

import type { TableGroup } from "./_table.ts";

/**
 * Netdata's charts of the three files, by option. Keys: `<line prefix>.<name>` for netstat and
 * snmp (`TcpExt.ListenDrops`), the file's own key for snmp6 (`Ip6InOctets`).
 */
export const NETSTAT_GROUPS: readonly TableGroup[] = [
  {
    section: "/proc/net/netstat",
    option: "bandwidth",
    charts: [
      {
        spec: {
          id: "system.ip",
          title: "IP Bandwidth",
          units: "kilobits/s",
          family: "network",
          context: "system.ip",
          chartType: "area",
          priority: 501,
        },
        dims: [
          ["IpExt.InOctets", "InOctets", "received", "incremental", 8, 1000],
          ["IpExt.OutOctets", "OutOctets", "sent", "incremental", -8, 1000],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "input errors",
    auto: ["IpExt.InNoRoutes", "IpExt.InTruncatedPkts"],
    charts: [
      {
        spec: {
          id: "ip.inerrors",
          title: "IP Input Errors",
          units: "packets/s",
          family: "errors",
          context: "ip.inerrors",
          chartType: "line",
          priority: 4100,
          detail: true,
        },
        dims: [
          ["IpExt.InNoRoutes", "InNoRoutes", "noroutes", "incremental", 1, 1],
          ["IpExt.InTruncatedPkts", "InTruncatedPkts", "truncated", "incremental", 1, 1],
          ["IpExt.InCsumErrors", "InCsumErrors", "checksum", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "multicast bandwidth",
    charts: [
      {
        spec: {
          id: "ip.mcast",
          title: "IP Multicast Bandwidth",
          units: "kilobits/s",
          family: "multicast",
          context: "ip.mcast",
          chartType: "area",
          priority: 4600,
          detail: true,
        },
        dims: [
          ["IpExt.InMcastOctets", "InMcastOctets", "received", "incremental", 8, 1000],
          ["IpExt.OutMcastOctets", "OutMcastOctets", "sent", "incremental", -8, 1000],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "broadcast bandwidth",
    charts: [
      {
        spec: {
          id: "ip.bcast",
          title: "IP Broadcast Bandwidth",
          units: "kilobits/s",
          family: "broadcast",
          context: "ip.bcast",
          chartType: "area",
          priority: 4500,
          detail: true,
        },
        dims: [
          ["IpExt.InBcastOctets", "InBcastOctets", "received", "incremental", 8, 1000],
          ["IpExt.OutBcastOctets", "OutBcastOctets", "sent", "incremental", -8, 1000],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "multicast packets",
    charts: [
      {
        spec: {
          id: "ip.mcastpkts",
          title: "IP Multicast Packets",
          units: "packets/s",
          family: "multicast",
          context: "ip.mcastpkts",
          chartType: "line",
          priority: 4610,
          detail: true,
        },
        dims: [
          ["IpExt.InMcastPkts", "InMcastPkts", "received", "incremental", 1, 1],
          ["IpExt.OutMcastPkts", "OutMcastPkts", "sent", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "broadcast packets",
    charts: [
      {
        spec: {
          id: "ip.bcastpkts",
          title: "IP Broadcast Packets",
          units: "packets/s",
          family: "broadcast",
          context: "ip.bcastpkts",
          chartType: "line",
          priority: 4510,
          detail: true,
        },
        dims: [
          ["IpExt.InBcastPkts", "InBcastPkts", "received", "incremental", 1, 1],
          ["IpExt.OutBcastPkts", "OutBcastPkts", "sent", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "ECN packets",
    charts: [
      {
        spec: {
          id: "ip.ecnpkts",
          title: "IP ECN Statistics",
          units: "packets/s",
          family: "ecn",
          context: "ip.ecnpkts",
          chartType: "line",
          priority: 4700,
          detail: true,
        },
        dims: [
          ["IpExt.InCEPkts", "InCEPkts", "CEP", "incremental", 1, 1],
          ["IpExt.InNoECTPkts", "InNoECTPkts", "NoECTP", "incremental", -1, 1],
          ["IpExt.InECT0Pkts", "InECT0Pkts", "ECTP0", "incremental", 1, 1],
          ["IpExt.InECT1Pkts", "InECT1Pkts", "ECTP1", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "TCP memory pressures",
    charts: [
      {
        spec: {
          id: "ip.tcpmemorypressures",
          title: "TCP Memory Pressures",
          units: "events/s",
          family: "tcp",
          context: "ip.tcpmemorypressures",
          chartType: "line",
          priority: 4290,
        },
        dims: [
          ["TcpExt.TCPMemoryPressures", "TCPMemoryPressures", "pressures", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "TCP connection aborts",
    charts: [
      {
        spec: {
          id: "ip.tcpconnaborts",
          title: "TCP Connection Aborts",
          units: "connections/s",
          family: "tcp",
          context: "ip.tcpconnaborts",
          chartType: "line",
          priority: 4210,
        },
        dims: [
          ["TcpExt.TCPAbortOnData", "TCPAbortOnData", "baddata", "incremental", 1, 1],
          ["TcpExt.TCPAbortOnClose", "TCPAbortOnClose", "userclosed", "incremental", 1, 1],
          ["TcpExt.TCPAbortOnMemory", "TCPAbortOnMemory", "nomemory", "incremental", 1, 1],
          ["TcpExt.TCPAbortOnTimeout", "TCPAbortOnTimeout", "timeout", "incremental", 1, 1],
          ["TcpExt.TCPAbortOnLinger", "TCPAbortOnLinger", "linger", "incremental", 1, 1],
          ["TcpExt.TCPAbortFailed", "TCPAbortFailed", "failed", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "TCP reorders",
    charts: [
      {
        spec: {
          id: "ip.tcpreorders",
          title: "TCP Reordered Packets by Detection Method",
          units: "packets/s",
          family: "tcp",
          context: "ip.tcpreorders",
          chartType: "line",
          priority: 4220,
        },
        dims: [
          ["TcpExt.TCPTSReorder", "TCPTSReorder", "timestamp", "incremental", 1, 1],
          ["TcpExt.TCPSACKReorder", "TCPSACKReorder", "sack", "incremental", 1, 1],
          ["TcpExt.TCPFACKReorder", "TCPFACKReorder", "fack", "incremental", 1, 1],
          ["TcpExt.TCPRenoReorder", "TCPRenoReorder", "reno", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "TCP out-of-order queue",
    auto: ["TcpExt.TCPOFOQueue", "TcpExt.TCPOFODrop", "TcpExt.TCPOFOMerge"],
    charts: [
      {
        spec: {
          id: "ip.tcpofo",
          title: "TCP Out-Of-Order Queue",
          units: "packets/s",
          family: "tcp",
          context: "ip.tcpofo",
          chartType: "line",
          priority: 4250,
        },
        dims: [
          ["TcpExt.TCPOFOQueue", "TCPOFOQueue", "inqueue", "incremental", 1, 1],
          ["TcpExt.TCPOFODrop", "TCPOFODrop", "dropped", "incremental", -1, 1],
          ["TcpExt.TCPOFOMerge", "TCPOFOMerge", "merged", "incremental", 1, 1],
          ["TcpExt.OfoPruned", "OfoPruned", "pruned", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "TCP SYN cookies",
    charts: [
      {
        spec: {
          id: "ip.tcpsyncookies",
          title: "TCP SYN Cookies",
          units: "packets/s",
          family: "tcp",
          context: "ip.tcpsyncookies",
          chartType: "line",
          priority: 4260,
        },
        dims: [
          ["TcpExt.SyncookiesRecv", "SyncookiesRecv", "received", "incremental", 1, 1],
          ["TcpExt.SyncookiesSent", "SyncookiesSent", "sent", "incremental", -1, 1],
          ["TcpExt.SyncookiesFailed", "SyncookiesFailed", "failed", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "TCP SYN queue",
    charts: [
      {
        spec: {
          id: "ip.tcp_syn_queue",
          title: "TCP SYN Queue Issues",
          units: "packets/s",
          family: "tcp",
          context: "ip.tcp_syn_queue",
          chartType: "line",
          priority: 4215,
        },
        dims: [
          ["TcpExt.TCPReqQFullDrop", "TCPReqQFullDrop", "drops", "incremental", 1, 1],
          ["TcpExt.TCPReqQFullDoCookies", "TCPReqQFullDoCookies", "cookies", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/netstat",
    option: "TCP accept queue",
    charts: [
      {
        spec: {
          id: "ip.tcp_accept_queue",
          title: "TCP Accept Queue Issues",
          units: "packets/s",
          family: "tcp",
          context: "ip.tcp_accept_queue",
          chartType: "line",
          priority: 4216,
        },
        dims: [
          ["TcpExt.ListenOverflows", "ListenOverflows", "overflows", "incremental", 1, 1],
          ["TcpExt.ListenDrops", "ListenDrops", "drops", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 packets",
    charts: [
      {
        spec: {
          id: "ipv4.packets",
          title: "IPv4 Packets",
          units: "packets/s",
          family: "packets",
          context: "ipv4.packets",
          chartType: "line",
          priority: 5130,
        },
        dims: [
          ["Ip.InReceives", "InReceives", "received", "incremental", 1, 1],
          ["Ip.OutRequests", "OutRequests", "sent", "incremental", -1, 1],
          ["Ip.ForwDatagrams", "ForwDatagrams", "forwarded", "incremental", 1, 1],
          ["Ip.InDelivers", "InDelivers", "delivered", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 fragments sent",
    charts: [
      {
        spec: {
          id: "ipv4.fragsout",
          title: "IPv4 Fragments Sent",
          units: "packets/s",
          family: "fragments",
          context: "ipv4.fragsout",
          chartType: "line",
          priority: 5460,
          detail: true,
        },
        dims: [
          ["Ip.FragOKs", "FragOKs", "ok", "incremental", 1, 1],
          ["Ip.FragFails", "FragFails", "failed", "incremental", -1, 1],
          ["Ip.FragCreates", "FragCreates", "created", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 fragments assembly",
    charts: [
      {
        spec: {
          id: "ipv4.fragsin",
          title: "IPv4 Fragments Reassembly",
          units: "packets/s",
          family: "fragments",
          context: "ipv4.fragsin",
          chartType: "line",
          priority: 5461,
          detail: true,
        },
        dims: [
          ["Ip.ReasmOKs", "ReasmOKs", "ok", "incremental", 1, 1],
          ["Ip.ReasmFails", "ReasmFails", "failed", "incremental", -1, 1],
          ["Ip.ReasmReqds", "ReasmReqds", "all", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 errors",
    charts: [
      {
        spec: {
          id: "ipv4.errors",
          title: "IPv4 Errors",
          units: "packets/s",
          family: "errors",
          context: "ipv4.errors",
          chartType: "line",
          priority: 5150,
          detail: true,
        },
        dims: [
          ["Ip.InDiscards", "InDiscards", null, "incremental", 1, 1],
          ["Ip.OutDiscards", "OutDiscards", null, "incremental", -1, 1],
          ["Ip.InHdrErrors", "InHdrErrors", null, "incremental", 1, 1],
          ["Ip.OutNoRoutes", "OutNoRoutes", null, "incremental", -1, 1],
          ["Ip.InAddrErrors", "InAddrErrors", null, "incremental", 1, 1],
          ["Ip.InUnknownProtos", "InUnknownProtos", null, "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 ICMP packets",
    charts: [
      {
        spec: {
          id: "ipv4.icmp",
          title: "IPv4 ICMP Packets",
          units: "packets/s",
          family: "icmp",
          context: "ipv4.icmp",
          chartType: "line",
          priority: 5170,
        },
        dims: [
          ["Icmp.InMsgs", "InMsgs", "received", "incremental", 1, 1],
          ["Icmp.OutMsgs", "OutMsgs", "sent", "incremental", -1, 1],
        ],
      },
      {
        spec: {
          id: "ipv4.icmp_errors",
          title: "IPv4 ICMP Errors",
          units: "packets/s",
          family: "icmp",
          context: "ipv4.icmp_errors",
          chartType: "line",
          priority: 5171,
        },
        dims: [
          ["Icmp.InErrors", "InErrors", null, "incremental", 1, 1],
          ["Icmp.OutErrors", "OutErrors", null, "incremental", -1, 1],
          ["Icmp.InCsumErrors", "InCsumErrors", null, "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 ICMP messages",
    charts: [
      {
        spec: {
          id: "ipv4.icmpmsg",
          title: "IPv4 ICMP Messages",
          units: "packets/s",
          family: "icmp",
          context: "ipv4.icmpmsg",
          chartType: "line",
          priority: 5172,
        },
        dims: [
          ["IcmpMsg.InType0", "InType0", "InEchoReps", "incremental", 1, 1],
          ["IcmpMsg.OutType0", "OutType0", "OutEchoReps", "incremental", -1, 1],
          ["IcmpMsg.InType3", "InType3", "InDestUnreachs", "incremental", 1, 1],
          ["IcmpMsg.OutType3", "OutType3", "OutDestUnreachs", "incremental", -1, 1],
          ["IcmpMsg.InType5", "InType5", "InRedirects", "incremental", 1, 1],
          ["IcmpMsg.OutType5", "OutType5", "OutRedirects", "incremental", -1, 1],
          ["IcmpMsg.InType8", "InType8", "InEchos", "incremental", 1, 1],
          ["IcmpMsg.OutType8", "OutType8", "OutEchos", "incremental", -1, 1],
          ["IcmpMsg.InType9", "InType9", "InRouterAdvert", "incremental", 1, 1],
          ["IcmpMsg.OutType9", "OutType9", "OutRouterAdvert", "incremental", -1, 1],
          ["IcmpMsg.InType10", "InType10", "InRouterSelect", "incremental", 1, 1],
          ["IcmpMsg.OutType10", "OutType10", "OutRouterSelect", "incremental", -1, 1],
          ["IcmpMsg.InType11", "InType11", "InTimeExcds", "incremental", 1, 1],
          ["IcmpMsg.OutType11", "OutType11", "OutTimeExcds", "incremental", -1, 1],
          ["IcmpMsg.InType12", "InType12", "InParmProbs", "incremental", 1, 1],
          ["IcmpMsg.OutType12", "OutType12", "OutParmProbs", "incremental", -1, 1],
          ["IcmpMsg.InType13", "InType13", "InTimestamps", "incremental", 1, 1],
          ["IcmpMsg.OutType13", "OutType13", "OutTimestamps", "incremental", -1, 1],
          ["IcmpMsg.InType14", "InType14", "InTimestampReps", "incremental", 1, 1],
          ["IcmpMsg.OutType14", "OutType14", "OutTimestampReps", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 TCP connections",
    charts: [
      {
        spec: {
          id: "ipv4.tcpsock",
          title: "IPv4 TCP Connections",
          units: "active connections",
          family: "tcp",
          context: "ipv4.tcpsock",
          chartType: "line",
          priority: 5200,
        },
        dims: [
          ["Tcp.CurrEstab", "CurrEstab", "connections", "absolute", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 TCP packets",
    charts: [
      {
        spec: {
          id: "ipv4.tcppackets",
          title: "IPv4 TCP Packets",
          units: "packets/s",
          family: "tcp",
          context: "ipv4.tcppackets",
          chartType: "line",
          priority: 5204,
        },
        dims: [
          ["Tcp.InSegs", "InSegs", "received", "incremental", 1, 1],
          ["Tcp.OutSegs", "OutSegs", "sent", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 TCP errors",
    charts: [
      {
        spec: {
          id: "ipv4.tcperrors",
          title: "IPv4 TCP Errors",
          units: "packets/s",
          family: "tcp",
          context: "ipv4.tcperrors",
          chartType: "line",
          priority: 5220,
          detail: true,
        },
        dims: [
          ["Tcp.InErrs", "InErrs", null, "incremental", 1, 1],
          ["Tcp.InCsumErrors", "InCsumErrors", null, "incremental", 1, 1],
          ["Tcp.RetransSegs", "RetransSegs", null, "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 TCP opens",
    charts: [
      {
        spec: {
          id: "ipv4.tcpopens",
          title: "IPv4 TCP Opens",
          units: "connections/s",
          family: "tcp",
          context: "ipv4.tcpopens",
          chartType: "line",
          priority: 5205,
          detail: true,
        },
        dims: [
          ["Tcp.ActiveOpens", "ActiveOpens", "active", "incremental", 1, 1],
          ["Tcp.PassiveOpens", "PassiveOpens", "passive", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 TCP handshake issues",
    auto: ["Tcp.EstabResets", "Tcp.OutRsts", "Tcp.AttemptFails"],
    charts: [
      {
        spec: {
          id: "ipv4.tcphandshake",
          title: "IPv4 TCP Handshake Issues",
          units: "events/s",
          family: "tcp",
          context: "ipv4.tcphandshake",
          chartType: "line",
          priority: 5230,
          detail: true,
        },
        dims: [
          ["Tcp.EstabResets", "EstabResets", null, "incremental", 1, 1],
          ["Tcp.OutRsts", "OutRsts", null, "incremental", 1, 1],
          ["Tcp.AttemptFails", "AttemptFails", null, "incremental", 1, 1],
          ["TcpExt.TCPSynRetrans", "TCPSynRetrans", "SynRetrans", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 UDP packets",
    charts: [
      {
        spec: {
          id: "ipv4.udppackets",
          title: "IPv4 UDP Packets",
          units: "packets/s",
          family: "udp",
          context: "ipv4.udppackets",
          chartType: "line",
          priority: 5300,
        },
        dims: [
          ["Udp.InDatagrams", "InDatagrams", "received", "incremental", 1, 1],
          ["Udp.OutDatagrams", "OutDatagrams", "sent", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 UDP errors",
    charts: [
      {
        spec: {
          id: "ipv4.udperrors",
          title: "IPv4 UDP Errors",
          units: "events/s",
          family: "udp",
          context: "ipv4.udperrors",
          chartType: "line",
          priority: 5310,
          detail: true,
        },
        dims: [
          ["Udp.RcvbufErrors", "RcvbufErrors", null, "incremental", 1, 1],
          ["Udp.SndbufErrors", "SndbufErrors", null, "incremental", -1, 1],
          ["Udp.InErrors", "InErrors", null, "incremental", 1, 1],
          ["Udp.NoPorts", "NoPorts", null, "incremental", 1, 1],
          ["Udp.InCsumErrors", "InCsumErrors", null, "incremental", 1, 1],
          ["Udp.IgnoredMulti", "IgnoredMulti", null, "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp",
    option: "ipv4 UDPLite packets",
    charts: [
      {
        spec: {
          id: "ipv4.udplite",
          title: "IPv4 UDPLite Packets",
          units: "packets/s",
          family: "udplite",
          context: "ipv4.udplite",
          chartType: "line",
          priority: 5400,
        },
        dims: [
          ["UdpLite.InDatagrams", "InDatagrams", "received", "incremental", 1, 1],
          ["UdpLite.OutDatagrams", "OutDatagrams", "sent", "incremental", -1, 1],
        ],
      },
      {
        spec: {
          id: "ipv4.udplite_errors",
          title: "IPv4 UDPLite Errors",
          units: "packets/s",
          family: "udplite",
          context: "ipv4.udplite_errors",
          chartType: "line",
          priority: 5410,
        },
        dims: [
          ["UdpLite.RcvbufErrors", "RcvbufErrors", null, "incremental", 1, 1],
          ["UdpLite.SndbufErrors", "SndbufErrors", null, "incremental", -1, 1],
          ["UdpLite.InErrors", "InErrors", null, "incremental", 1, 1],
          ["UdpLite.NoPorts", "NoPorts", null, "incremental", 1, 1],
          ["UdpLite.InCsumErrors", "InCsumErrors", null, "incremental", 1, 1],
          ["UdpLite.IgnoredMulti", "IgnoredMulti", null, "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "bandwidth",
    charts: [
      {
        spec: {
          id: "system.ipv6",
          title: "IPv6 Bandwidth",
          units: "kilobits/s",
          family: "network",
          context: "system.ipv6",
          chartType: "area",
          priority: 502,
        },
        dims: [
          ["Ip6InOctets", "InOctets", "received", "incremental", 8, 1000],
          ["Ip6OutOctets", "OutOctets", "sent", "incremental", -8, 1000],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "ipv6 packets",
    charts: [
      {
        spec: {
          id: "ipv6.packets",
          title: "IPv6 Packets",
          units: "packets/s",
          family: "packets",
          context: "ipv6.packets",
          chartType: "line",
          priority: 6200,
        },
        dims: [
          ["Ip6InReceives", "InReceives", "received", "incremental", 1, 1],
          ["Ip6OutRequests", "OutRequests", "sent", "incremental", -1, 1],
          ["Ip6OutForwDatagrams", "OutForwDatagrams", "forwarded", "incremental", -1, 1],
          ["Ip6InDelivers", "InDelivers", "delivers", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "ipv6 fragments sent",
    charts: [
      {
        spec: {
          id: "ipv6.fragsout",
          title: "IPv6 Fragments Sent",
          units: "packets/s",
          family: "fragments6",
          context: "ipv6.fragsout",
          chartType: "line",
          priority: 6401,
          detail: true,
        },
        dims: [
          ["Ip6FragOKs", "FragOKs", "ok", "incremental", 1, 1],
          ["Ip6FragFails", "FragFails", "failed", "incremental", -1, 1],
          ["Ip6FragCreates", "FragCreates", "all", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "ipv6 fragments assembly",
    charts: [
      {
        spec: {
          id: "ipv6.fragsin",
          title: "IPv6 Fragments Reassembly",
          units: "packets/s",
          family: "fragments6",
          context: "ipv6.fragsin",
          chartType: "line",
          priority: 6402,
          detail: true,
        },
        dims: [
          ["Ip6ReasmOKs", "ReasmOKs", "ok", "incremental", 1, 1],
          ["Ip6ReasmFails", "ReasmFails", "failed", "incremental", -1, 1],
          ["Ip6ReasmTimeout", "ReasmTimeout", "timeout", "incremental", -1, 1],
          ["Ip6ReasmReqds", "ReasmReqds", "all", "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "ipv6 errors",
    auto: [
      "Ip6InDiscards",
      "Ip6OutDiscards",
      "Ip6InHdrErrors",
      "Ip6InAddrErrors",
      "Ip6InUnknownProtos",
      "Ip6InTooBigErrors",
      "Ip6InTruncatedPkts",
      "Ip6InNoRoutes",
    ],
    charts: [
      {
        spec: {
          id: "ipv6.errors",
          title: "IPv6 Errors",
          units: "packets/s",
          family: "errors",
          context: "ipv6.errors",
          chartType: "line",
          priority: 6300,
          detail: true,
        },
        dims: [
          ["Ip6InDiscards", "InDiscards", null, "incremental", 1, 1],
          ["Ip6OutDiscards", "OutDiscards", null, "incremental", -1, 1],
          ["Ip6InHdrErrors", "InHdrErrors", null, "incremental", 1, 1],
          ["Ip6InAddrErrors", "InAddrErrors", null, "incremental", 1, 1],
          ["Ip6InUnknownProtos", "InUnknownProtos", null, "incremental", 1, 1],
          ["Ip6InTooBigErrors", "InTooBigErrors", null, "incremental", 1, 1],
          ["Ip6InTruncatedPkts", "InTruncatedPkts", null, "incremental", 1, 1],
          ["Ip6InNoRoutes", "InNoRoutes", null, "incremental", 1, 1],
          ["Ip6OutNoRoutes", "OutNoRoutes", null, "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "ipv6 UDP packets",
    charts: [
      {
        spec: {
          id: "ipv6.udppackets",
          title: "IPv6 UDP Packets",
          units: "packets/s",
          family: "udp6",
          context: "ipv6.udppackets",
          chartType: "line",
          priority: 6601,
        },
        dims: [
          ["Udp6InDatagrams", "InDatagrams", "received", "incremental", 1, 1],
          ["Udp6OutDatagrams", "OutDatagrams", "sent", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "ipv6 UDP errors",
    charts: [
      {
        spec: {
          id: "ipv6.udperrors",
          title: "IPv6 UDP Errors",
          units: "events/s",
          family: "udp6",
          context: "ipv6.udperrors",
          chartType: "line",
          priority: 6610,
          detail: true,
        },
        dims: [
          ["Udp6RcvbufErrors", "RcvbufErrors", null, "incremental", 1, 1],
          ["Udp6SndbufErrors", "SndbufErrors", null, "incremental", -1, 1],
          ["Udp6InErrors", "InErrors", null, "incremental", 1, 1],
          ["Udp6NoPorts", "NoPorts", null, "incremental", 1, 1],
          ["Udp6InCsumErrors", "InCsumErrors", null, "incremental", 1, 1],
          ["Udp6IgnoredMulti", "IgnoredMulti", null, "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "ipv6 UDPlite packets",
    charts: [
      {
        spec: {
          id: "ipv6.udplitepackets",
          title: "IPv6 UDPlite Packets",
          units: "packets/s",
          family: "udplite6",
          context: "ipv6.udplitepackets",
          chartType: "line",
          priority: 6701,
        },
        dims: [
          ["UdpLite6InDatagrams", "InDatagrams", "received", "incremental", 1, 1],
          ["UdpLite6OutDatagrams", "OutDatagrams", "sent", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "ipv6 UDPlite errors",
    auto: [
      "UdpLite6InErrors",
      "UdpLite6NoPorts",
      "UdpLite6RcvbufErrors",
      "UdpLite6SndbufErrors",
      "Udp6InCsumErrors",
      "UdpLite6InCsumErrors",
    ],
    charts: [
      {
        spec: {
          id: "ipv6.udpliteerrors",
          title: "IPv6 UDP Lite Errors",
          units: "events/s",
          family: "udplite6",
          context: "ipv6.udpliteerrors",
          chartType: "line",
          priority: 6710,
          detail: true,
        },
        dims: [
          ["UdpLite6RcvbufErrors", "RcvbufErrors", null, "incremental", 1, 1],
          ["UdpLite6SndbufErrors", "SndbufErrors", null, "incremental", -1, 1],
          ["UdpLite6InErrors", "InErrors", null, "incremental", 1, 1],
          ["UdpLite6NoPorts", "NoPorts", null, "incremental", 1, 1],
          ["UdpLite6InCsumErrors", "InCsumErrors", null, "incremental", 1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "multicast bandwidth",
    charts: [
      {
        spec: {
          id: "ipv6.mcast",
          title: "IPv6 Multicast Bandwidth",
          units: "kilobits/s",
          family: "multicast6",
          context: "ipv6.mcast",
          chartType: "area",
          priority: 6850,
          detail: true,
        },
        dims: [
          ["Ip6InMcastOctets", "InMcastOctets", "received", "incremental", 8, 1000],
          ["Ip6OutMcastOctets", "OutMcastOctets", "sent", "incremental", -8, 1000],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "broadcast bandwidth",
    charts: [
      {
        spec: {
          id: "ipv6.bcast",
          title: "IPv6 Broadcast Bandwidth",
          units: "kilobits/s",
          family: "broadcast6",
          context: "ipv6.bcast",
          chartType: "area",
          priority: 6840,
          detail: true,
        },
        dims: [
          ["Ip6InBcastOctets", "InBcastOctets", "received", "incremental", 8, 1000],
          ["Ip6OutBcastOctets", "OutBcastOctets", "sent", "incremental", -8, 1000],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "multicast packets",
    charts: [
      {
        spec: {
          id: "ipv6.mcastpkts",
          title: "IPv6 Multicast Packets",
          units: "packets/s",
          family: "multicast6",
          context: "ipv6.mcastpkts",
          chartType: "line",
          priority: 6851,
          detail: true,
        },
        dims: [
          ["Ip6InMcastPkts", "InMcastPkts", "received", "incremental", 1, 1],
          ["Ip6OutMcastPkts", "OutMcastPkts", "sent", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "icmp",
    charts: [
      {
        spec: {
          id: "ipv6.icmp",
          title: "IPv6 ICMP Messages",
          units: "messages/s",
          family: "icmp6",
          context: "ipv6.icmp",
          chartType: "line",
          priority: 6900,
        },
        dims: [
          ["Icmp6InMsgs", "InMsgs", "received", "incremental", 1, 1],
          ["Icmp6OutMsgs", "OutMsgs", "sent", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "icmp redirects",
    charts: [
      {
        spec: {
          id: "ipv6.icmpredir",
          title: "IPv6 ICMP Redirects",
          units: "redirects/s",
          family: "icmp6",
          context: "ipv6.icmpredir",
          chartType: "line",
          priority: 6910,
        },
        dims: [
          ["Icmp6InRedirects", "InRedirects", "received", "incremental", 1, 1],
          ["Icmp6OutRedirects", "OutRedirects", "sent", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "icmp errors",
    charts: [
      {
        spec: {
          id: "ipv6.icmperrors",
          title: "IPv6 ICMP Errors",
          units: "errors/s",
          family: "icmp6",
          context: "ipv6.icmperrors",
          chartType: "line",
          priority: 6920,
        },
        dims: [
          ["Icmp6InErrors", "InErrors", null, "incremental", 1, 1],
          ["Icmp6OutErrors", "OutErrors", null, "incremental", -1, 1],
          ["Icmp6InCsumErrors", "InCsumErrors", null, "incremental", 1, 1],
          ["Icmp6InDestUnreachs", "InDestUnreachs", null, "incremental", 1, 1],
          ["Icmp6InPktTooBigs", "InPktTooBigs", null, "incremental", 1, 1],
          ["Icmp6InTimeExcds", "InTimeExcds", null, "incremental", 1, 1],
          ["Icmp6InParmProblems", "InParmProblems", null, "incremental", 1, 1],
          ["Icmp6OutDestUnreachs", "OutDestUnreachs", null, "incremental", -1, 1],
          ["Icmp6OutPktTooBigs", "OutPktTooBigs", null, "incremental", -1, 1],
          ["Icmp6OutTimeExcds", "OutTimeExcds", null, "incremental", -1, 1],
          ["Icmp6OutParmProblems", "OutParmProblems", null, "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "icmp echos",
    charts: [
      {
        spec: {
          id: "ipv6.icmpechos",
          title: "IPv6 ICMP Echo",
          units: "messages/s",
          family: "icmp6",
          context: "ipv6.icmpechos",
          chartType: "line",
          priority: 6930,
        },
        dims: [
          ["Icmp6InEchos", "InEchos", null, "incremental", 1, 1],
          ["Icmp6OutEchos", "OutEchos", null, "incremental", -1, 1],
          ["Icmp6InEchoReplies", "InEchoReplies", null, "incremental", 1, 1],
          ["Icmp6OutEchoReplies", "OutEchoReplies", null, "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "icmp group membership",
    charts: [
      {
        spec: {
          id: "ipv6.groupmemb",
          title: "IPv6 ICMP Group Membership",
          units: "messages/s",
          family: "icmp6",
          context: "ipv6.groupmemb",
          chartType: "line",
          priority: 6940,
        },
        dims: [
          ["Icmp6InGroupMembQueries", "InQueries", null, "incremental", 1, 1],
          ["Icmp6OutGroupMembQueries", "OutQueries", null, "incremental", -1, 1],
          ["Icmp6InGroupMembResponses", "InResponses", null, "incremental", 1, 1],
          ["Icmp6OutGroupMembResponses", "OutResponses", null, "incremental", -1, 1],
          ["Icmp6InGroupMembReductions", "InReductions", null, "incremental", 1, 1],
          ["Icmp6OutGroupMembReductions", "OutReductions", null, "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "icmp router",
    charts: [
      {
        spec: {
          id: "ipv6.icmprouter",
          title: "IPv6 Router Messages",
          units: "messages/s",
          family: "icmp6",
          context: "ipv6.icmprouter",
          chartType: "line",
          priority: 6950,
        },
        dims: [
          ["Icmp6InRouterSolicits", "InSolicits", null, "incremental", 1, 1],
          ["Icmp6OutRouterSolicits", "OutSolicits", null, "incremental", -1, 1],
          ["Icmp6InRouterAdvertisements", "InAdvertisements", null, "incremental", 1, 1],
          ["Icmp6OutRouterAdvertisements", "OutAdvertisements", null, "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "icmp neighbor",
    charts: [
      {
        spec: {
          id: "ipv6.icmpneighbor",
          title: "IPv6 Neighbor Messages",
          units: "messages/s",
          family: "icmp6",
          context: "ipv6.icmpneighbor",
          chartType: "line",
          priority: 6960,
        },
        dims: [
          ["Icmp6InNeighborSolicits", "InSolicits", null, "incremental", 1, 1],
          ["Icmp6OutNeighborSolicits", "OutSolicits", null, "incremental", -1, 1],
          ["Icmp6InNeighborAdvertisements", "InAdvertisements", null, "incremental", 1, 1],
          ["Icmp6OutNeighborAdvertisements", "OutAdvertisements", null, "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "icmp mldv2",
    charts: [
      {
        spec: {
          id: "ipv6.icmpmldv2",
          title: "IPv6 ICMP MLDv2 Reports",
          units: "reports/s",
          family: "icmp6",
          context: "ipv6.icmpmldv2",
          chartType: "line",
          priority: 6970,
        },
        dims: [
          ["Icmp6InMLDv2Reports", "InMLDv2Reports", "received", "incremental", 1, 1],
          ["Icmp6OutMLDv2Reports", "OutMLDv2Reports", "sent", "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "icmp types",
    charts: [
      {
        spec: {
          id: "ipv6.icmptypes",
          title: "IPv6 ICMP Types",
          units: "messages/s",
          family: "icmp6",
          context: "ipv6.icmptypes",
          chartType: "line",
          priority: 6980,
        },
        dims: [
          ["Icmp6InType1", "InType1", null, "incremental", 1, 1],
          ["Icmp6InType128", "InType128", null, "incremental", 1, 1],
          ["Icmp6InType129", "InType129", null, "incremental", 1, 1],
          ["Icmp6InType136", "InType136", null, "incremental", 1, 1],
          ["Icmp6OutType1", "OutType1", null, "incremental", -1, 1],
          ["Icmp6OutType128", "OutType128", null, "incremental", -1, 1],
          ["Icmp6OutType129", "OutType129", null, "incremental", -1, 1],
          ["Icmp6OutType133", "OutType133", null, "incremental", -1, 1],
          ["Icmp6OutType135", "OutType135", null, "incremental", -1, 1],
          ["Icmp6OutType143", "OutType143", null, "incremental", -1, 1],
        ],
      },
    ],
  },
  {
    section: "/proc/net/snmp6",
    option: "ect",
    charts: [
      {
        spec: {
          id: "ipv6.ect",
          title: "IPv6 ECT Packets",
          units: "packets/s",
          family: "packets",
          context: "ipv6.ect",
          chartType: "line",
          priority: 6210,
        },
        dims: [
          ["Ip6InNoECTPkts", "InNoECTPkts", null, "incremental", 1, 1],
          ["Ip6InECT1Pkts", "InECT1Pkts", null, "incremental", 1, 1],
          ["Ip6InECT0Pkts", "InECT0Pkts", null, "incremental", 1, 1],
          ["Ip6InCEPkts", "InCEPkts", null, "incremental", 1, 1],
        ],
      },
    ],
  },
];
