/**
 * The chart table of /proc/net/netstat (data only): Netdata 1.37's ip.* and ipv4 TCP charts with
 * their options, read by `net_netstat.ts`; /proc/net/snmp's are in `net_snmp_table.ts` and
 * /proc/net/snmp6's in `net_snmp6_table.ts`.
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
];
