# No ingress from the whole internet (0.0.0.0/0, ::/0, "*", "Internet") to admin ports (SSH, RDP,
# WinRM, databases...): AWS security groups and rules, Azure NSG rules, GCP firewalls.
package paved.plan

import data.paved.lib

admin_ports := object.get(lib.config, "admin_ports", [22, 3389])

world_sources := object.get(lib.config, "world_cidrs", ["0.0.0.0/0", "::/0"])

# Port ranges as [from, to]; "-1"/"all" protocols and "*" ranges open every port.
covers(from, to, port) if {
	from <= port
	port <= to
}

all_ports_protocol(protocol) if protocol in {"-1", "all", -1}

open_ports(from, to, protocol) := {p | some p in admin_ports} if {
	all_ports_protocol(protocol)
} else := ports if {
	ports := {p | some p in admin_ports; covers(from, to, p)}
}

world_in(sources) := {s | some s in sources; s in world_sources}

# aws_security_group inline ingress blocks
exposed(change) := ports if {
	change.type == "aws_security_group"
	ports := {p |
		some rule in object.get(change.after, "ingress", [])
		count(world_in(array.concat(object.get(rule, "cidr_blocks", []), object.get(rule, "ipv6_cidr_blocks", [])))) > 0
		some p in open_ports(rule.from_port, rule.to_port, rule.protocol)
	}
	count(ports) > 0
}

exposed(change) := ports if {
	change.type == "aws_security_group_rule"
	change.after.type == "ingress"
	sources := array.concat(object.get(change.after, "cidr_blocks", []), object.get(change.after, "ipv6_cidr_blocks", []))
	count(world_in(sources)) > 0
	ports := open_ports(change.after.from_port, change.after.to_port, change.after.protocol)
	count(ports) > 0
}

exposed(change) := ports if {
	change.type == "aws_vpc_security_group_ingress_rule"
	count(world_in([object.get(change.after, "cidr_ipv4", ""), object.get(change.after, "cidr_ipv6", "")])) > 0
	ports := open_ports(object.get(change.after, "from_port", 0), object.get(change.after, "to_port", 65535), change.after.ip_protocol)
	count(ports) > 0
}

exposed(change) := ports if {
	change.type == "azurerm_network_security_rule"
	lower(change.after.direction) == "inbound"
	lower(change.after.access) == "allow"
	sources := array.concat([object.get(change.after, "source_address_prefix", "")], object.get(change.after, "source_address_prefixes", []))
	count(world_in(sources)) > 0
	ranges := array.concat([object.get(change.after, "destination_port_range", "")], object.get(change.after, "destination_port_ranges", []))
	ports := {p | some r in ranges; some p in range_ports(r)}
	count(ports) > 0
}

exposed(change) := ports if {
	change.type == "google_compute_firewall"
	upper(object.get(change.after, "direction", "INGRESS")) == "INGRESS"
	count(world_in(object.get(change.after, "source_ranges", []))) > 0
	ports := {p |
		some allow in object.get(change.after, "allow", [])
		some p in gcp_ports(allow)
	}
	count(ports) > 0
}

# "22", "20-30" or "*" (Azure, GCP port specs)
range_ports(spec) := {p | some p in admin_ports} if spec == "*"

range_ports(spec) := ports if {
	spec != "*"
	parts := split(spec, "-")
	low := to_number(parts[0])
	high := to_number(parts[count(parts) - 1])
	ports := {p | some p in admin_ports; covers(low, high, p)}
}

gcp_ports(allow) := {p | some p in admin_ports} if {
	allow.protocol in {"all", "tcp"}
	count(object.get(allow, "ports", [])) == 0
}

gcp_ports(allow) := ports if {
	count(object.get(allow, "ports", [])) > 0
	ports := {p | some spec in allow.ports; some p in range_ports(spec)}
}

# METADATA
# title: "No admin ports open to the internet"
# description: "Ingress from 0.0.0.0/0, ::/0 or Internet must not reach admin_ports (SSH, RDP, databases)."
# custom:
#   severity: critical
deny_open_admin_port contains lib.finding("open_admin_port", change.address, msg) if {
	some change in lib.changes
	ports := exposed(change)
	not lib.waived("open_admin_port", change.address)
	msg := sprintf("allows ingress from anywhere to admin port(s) %s", [concat(", ", [format_int(p, 10) | some p in sort(ports)])])
}
