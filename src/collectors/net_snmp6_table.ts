/**
 * The ipv6.* chart table of /proc/net/snmp6 (and the system.ipv6 chart), data only: Netdata 1.37's
 * proc_net_netstat.c charts with their options, read by `net_netstat.ts` after `net_netstat_table.ts`.
 * @module
 */

import type { TableGroup } from "./_table.ts";

export const IPV6_GROUPS: readonly TableGroup[] = [
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
