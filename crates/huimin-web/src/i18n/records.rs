//! Records: the public check of a printed record (`/verify`).

pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("verify.title", "病历核验", "Verify a record"),
    (
        "verify.how",
        "请输入打印病历页脚或二维码旁的核验码（10 位字母和数字），核对该病历是否由本院出具。",
        "Enter the verification code printed at the foot of the record or beside its QR code (10 letters and digits) to check that this hospital issued it.",
    ),
    ("verify.code", "核验码", "Verification code"),
    ("verify.submit", "核验", "Verify"),
    (
        "verify.genuine",
        "真实有效：此病历由本院出具",
        "Genuine: this hospital issued this record",
    ),
    (
        "verify.genuine_how",
        "请核对纸质病历上的医院、就诊日期、科室和患者姓氏与下列信息一致。",
        "Check that the hospital, visit date, department and the patient's family name on the paper match those below.",
    ),
    ("verify.not_genuine", "未能核验", "Not verified"),
    ("verify.hospital", "医院", "Hospital"),
    ("verify.type", "文书类型", "Document"),
    ("verify.visit_date", "就诊日期", "Visit date"),
    ("verify.department", "科室", "Department"),
    ("verify.patient", "患者", "Patient"),
    ("verify.issued_at", "出具时间", "Issued at"),
    ("verify.sha256", "文件指纹", "SHA-256"),
    ("verify.file_label", "核对 PDF 文件", "Check a PDF file"),
    (
        "verify.file_hint",
        "上传收到的病历 PDF，核对它是否与本院出具的文件完全一致（文件只用于计算指纹，不会保存）。",
        "Upload the record's PDF you received to check that it is exactly the file this hospital issued (it is only fingerprinted, never kept).",
    ),
    ("verify.file_submit", "核对文件", "Check the file"),
    (
        "verify.file_matches",
        "文件一致：上传的 PDF 与本院出具的文件完全相同。",
        "The file matches: the uploaded PDF is exactly the file this hospital issued.",
    ),
    (
        "verify.file_differs",
        "文件不一致：上传的 PDF 与本院出具的文件不同，可能已被修改。",
        "The file differs: the uploaded PDF is not the file this hospital issued; it may have been altered.",
    ),
    (
        "verify.file_hash",
        "上传文件的指纹：",
        "The uploaded file's fingerprint:",
    ),
    (
        "verify.no_file",
        "请选择要核对的 PDF 文件",
        "Choose the PDF file to check",
    ),
];
