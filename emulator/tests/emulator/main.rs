//! Integration tests: the emulator in-process (and its binary), spoken to only in Azure's
//! documented wire formats over real TLS.

mod aci_lifecycle;
mod aci_processes;
mod aci_support;
mod aci_validation;
mod admin_auth;
mod arm_api_versions;
mod arm_auth;
mod arm_identities;
mod arm_metadata;
mod arm_operations;
mod arm_resource_groups;
mod arm_resources;
mod arm_storage;
mod azure_cli;
mod azure_identity;
mod binary;
mod blob_auth;
mod blob_data_plane;
mod blob_support;
mod bodies;
mod common;
mod config;
mod control;
mod devops_locations;
mod devops_packages;
mod devops_rest;
mod devops_standin;
mod devops_support;
mod entra;
mod faults;
mod journal;
mod managed_identity;
mod rbac;
mod readme;
