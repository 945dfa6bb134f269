/**
 * The ipv4.* chart table of /proc/net/snmp, data only: Netdata 1.37's proc_net_netstat.c charts
 * with their options, read by `net_netstat.ts` after `net_netstat_table.ts`.
 * @module
 */

import type { TableGroup } from "./_table.ts";

export const SNMP_GROUPS: readonly TableGroup[] = [
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
];
