<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>MNIST not found in {folder}: missing {missing}. Download could not fetch them (no network?). Put the four MNIST files ({files}) there, uncompressed, or point --data-dir / {variable} at a folder that holds MNIST/raw/.</source>
        <translation>在 {folder} 中找不到 MNIST：缺少 {missing}。也无法自动下载（没有网络？）。请把四个 MNIST 文件（{files}）解压后放到那里，或用 --data-dir / {variable} 指向一个包含 MNIST/raw/ 的文件夹。</translation>
    </message>
    <message>
        <source>{path} is not an unsigned-byte IDX file</source>
        <translation>{path} 不是无符号字节的 IDX 文件</translation>
    </message>
    <message>
        <source>{path} is truncated: expected {expected} bytes of data, found {found}</source>
        <translation>{path} 不完整：应有 {expected} 字节数据，实际只有 {found} 字节</translation>
    </message>
    <message>
        <source>no such file</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <source>is a folder, not an image</source>
        <translation>这是一个文件夹，不是图片</translation>
    </message>
    <message>
        <source>not a readable image ({reason})</source>
        <translation>不是可读取的图片（{reason}）</translation>
    </message>
    <message>
        <source>x and y need the same number of values ({x} vs {y}).</source>
        <translation>x 和 y 的个数必须相同（{x} 对 {y}）。</translation>
    </message>
    <message>
        <source>Type an expression, for example (w*x + b - y)**2.</source>
        <translation>请输入一个表达式，例如 (w*x + b - y)**2。</translation>
    </message>
    <message>
        <source>Nothing to differentiate: no variable the result depends on has requires_grad.</source>
        <translation>没有可求导的对象：结果所依赖的变量都没有设置 requires_grad。</translation>
    </message>
    <message>
        <source>backward() needs a single number; end the expression with .sum() or .mean().</source>
        <translation>backward() 需要结果是单个数；请在表达式末尾加上 .sum() 或 .mean()。</translation>
    </message>
    <message>
        <source>The learning rate must be a positive number.</source>
        <translation>学习率必须是正数。</translation>
    </message>
    <message>
        <source>No gradients yet: press Backward before Step.</source>
        <translation>还没有梯度：请先按“反向”，再按“更新”。</translation>
    </message>
    <message>
        <source>Add at least two points before fitting.</source>
        <translation>拟合前请至少添加两个点。</translation>
    </message>
    <message>
        <source>Every coordinate must be a finite number (no NaN or infinity).</source>
        <translation>每个坐标都必须是有限的数（不能是 NaN 或无穷大）。</translation>
    </message>
    <message>
        <source>Coordinates beyond ±{limit:g} are too large: rescale the data.</source>
        <translation>超出 ±{limit:g} 的坐标太大了：请缩放数据。</translation>
    </message>
    <message>
        <source>All points share the same x: no function of x passes through them.</source>
        <translation>所有点的 x 都相同：没有哪个关于 x 的函数能同时经过它们。</translation>
    </message>
    <message>
        <source>Choose a polynomial degree between 1 and 12.</source>
        <translation>请选择 1 到 12 之间的多项式次数。</translation>
    </message>
    <message>
        <source>The loss diverged: learning rate {lr:g} is too large. Lower it and fit again.</source>
        <translation>损失发散了：学习率 {lr:g} 太大。请调小学习率后重新拟合。</translation>
    </message>
    <message>
        <source>{path}: cannot be read as text ({reason})</source>
        <translation>{path}：无法作为文本读取（{reason}）</translation>
    </message>
    <message>
        <source>{path}, line {line}: expected two numbers, x and y, found {text!r}</source>
        <translation>{path} 第 {line} 行：应为两个数 x 和 y，实际是 {text!r}</translation>
    </message>
    <message>
        <source>saliency</source>
        <translation>显著图 (saliency)</translation>
    </message>
    <message>
        <source>plain gradient of the digit&apos;s log-probability with respect to each pixel</source>
        <translation>该数字的对数概率对每个像素的梯度</translation>
    </message>
    <message>
        <source>input-x-gradient</source>
        <translation>输入×梯度 (input-x-gradient)</translation>
    </message>
    <message>
        <source>gradient times the ink: how much each inked pixel adds</source>
        <translation>梯度乘以笔迹：每个有墨迹的像素贡献了多少</translation>
    </message>
    <message>
        <source>integrated-gradients</source>
        <translation>积分梯度 (integrated-gradients)</translation>
    </message>
    <message>
        <source>gradients summed along {steps} steps from a blank page to the drawing</source>
        <translation>从空白图像到手写图像分 {steps} 步累加的梯度</translation>
    </message>
    <message>
        <source>occlusion</source>
        <translation>遮挡 (occlusion)</translation>
    </message>
    <message>
        <source>how much the answer drops when a {window}x{window} patch is blanked out</source>
        <translation>遮住一块 {window}×{window} 的区域后，答案的概率下降了多少</translation>
    </message>
    <message>
        <source>unknown method {method!r} (known: {known})</source>
        <translation>未知的方法 {method!r}（可选：{known}）</translation>
    </message>
    <message>
        <source>{method} needs gradients and this model cannot give them (an int8 quantized model?): {reason}. Try {gradient_free}, which needs only the network&apos;s answers.</source>
        <translation>{method} 需要梯度，而这个模型给不出梯度（是 int8 量化模型吗？）：{reason}。请试试 {gradient_free}，它只需要网络的输出。</translation>
    </message>
    <message>
        <source>{method} failed on this model: {reason}</source>
        <translation>{method} 在这个模型上失败了：{reason}</translation>
    </message>
    <message>
        <source>attributions need Captum, which is not installed: pip install captum</source>
        <translation>归因分析需要 Captum，但它没有安装：pip install captum</translation>
    </message>
    <message>
        <source>{targets} targets for {count} images</source>
        <translation>{count} 张图像却有 {targets} 个目标</translation>
    </message>
    <message>
        <source>target digit must be 0 to 9, not {targets}</source>
        <translation>目标数字必须是 0 到 9，而不是 {targets}</translation>
    </message>
    <message>
        <source>int8 weights do not fit architecture {arch!r}: {reason}</source>
        <translation>int8 权重与网络结构 {arch!r} 不匹配：{reason}</translation>
    </message>
    <message>
        <source>weights do not fit architecture {arch!r}: {reason}</source>
        <translation>权重与网络结构 {arch!r} 不匹配：{reason}</translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation>{path}：文件不存在</translation>
    </message>
    <message>
        <source>{path} is an ONNX export, which runs in ONNX Runtime; digitdraw reads the checkpoint (.pt) or TorchScript file (.torchscript) it was exported from.</source>
        <translation>{path} 是 ONNX 导出文件，要用 ONNX Runtime 运行；digitdraw 读取导出它的检查点（.pt）或 TorchScript 文件（.torchscript）。</translation>
    </message>
    <message>
        <source>{path}: no such file.</source>
        <translation>{path}：没有这个文件。</translation>
    </message>
    <message>
        <source>{path} is a folder: choose a checkpoint file (.pt) in it.</source>
        <translation>{path} 是一个文件夹：请选择其中的检查点文件（.pt）。</translation>
    </message>
    <message>
        <source>{path} was refused: it holds Python objects besides weights, which digitdraw never loads; save the model&apos;s state_dict with torch.save and load that file.</source>
        <translation>{path} 已被拒绝：它除了权重还含有 Python 对象，digitdraw 从不加载这类内容；请用 torch.save 保存模型的 state_dict，再加载那个文件。</translation>
    </message>
    <message>
        <source>{path} is not a model file digitdraw can read (damaged, truncated or another kind of file): choose a checkpoint (.pt) saved by digitdraw or PyTorch.</source>
        <translation>{path} 不是 digitdraw 能读取的模型文件（已损坏、不完整或是别的文件）：请选择由 digitdraw 或 PyTorch 保存的检查点（.pt）。</translation>
    </message>
    <message>
        <source>{path} is a TorchScript model digitdraw did not export, so it cannot be shown here: load a digitdraw checkpoint (.pt) or a TorchScript file exported by digitdraw.</source>
        <translation>{path} 是一个并非由 digitdraw 导出的 TorchScript 模型，无法在这里显示：请加载 digitdraw 检查点（.pt）或由 digitdraw 导出的 TorchScript 文件。</translation>
    </message>
    <message>
        <source>{path} is a TorchScript file that could not be read (damaged or truncated?): export the model again.</source>
        <translation>{path} 是一个无法读取的 TorchScript 文件（已损坏或不完整？）：请重新导出模型。</translation>
    </message>
    <message>
        <source>a TorchScript export of the {arch!r} network ({description})</source>
        <translation>{arch!r} 网络（{description}）的 TorchScript 导出文件</translation>
    </message>
    <message>
        <source>{path}: not a digitdraw checkpoint</source>
        <translation>{path}：不是 digitdraw 的检查点</translation>
    </message>
    <message>
        <source>{path}: checkpoint version {version!r} is not supported</source>
        <translation>{path}：不支持检查点版本 {version!r}</translation>
    </message>
    <message>
        <source>{path}: checkpoint has no weights</source>
        <translation>{path}：检查点里没有权重</translation>
    </message>
    <message>
        <source>{path}: checkpoint metadata is incomplete ({reason})</source>
        <translation>{path}：检查点的元数据不完整（{reason}）</translation>
    </message>
    <message>
        <source>{path}: {reason}</source>
        <translation>{path}：{reason}</translation>
    </message>
    <message>
        <source>a bare state_dict of the {arch!r} network ({description})</source>
        <translation>{arch!r} 网络（{description}）的裸 state_dict</translation>
    </message>
    <message>
        <source>{path}: not a digitdraw checkpoint, and as a bare state_dict it matches no known network; the closest, {closest!r}, differs: {shown}</source>
        <translation>{path}：不是 digitdraw 的检查点；作为单纯的 state_dict，它也不匹配任何已知网络；最接近的 {closest!r} 有这些不同：{shown}</translation>
    </message>
    <message>
        <source>Not allowed in an expression: {what}</source>
        <translation>表达式中不允许：{what}</translation>
    </message>
    <message>
        <source>The expression is too long: at most {limit} characters.</source>
        <translation>表达式太长：最多 {limit} 个字符。</translation>
    </message>
    <message>
        <source>This is not a valid expression{where}: check brackets and operators.</source>
        <translation>这不是有效的表达式{where}：请检查括号和运算符。</translation>
    </message>
    <message>
        <source>This is not a valid expression: check brackets and operators.</source>
        <translation>这不是有效的表达式：请检查括号和运算符。</translation>
    </message>
    <message>
        <source>The expression is too long: at most {limit} parts.</source>
        <translation>表达式太长：最多 {limit} 个组成部分。</translation>
    </message>
    <message>
        <source>Only the last line may be a bare expression; name the others: a = …</source>
        <translation>只有最后一行可以是单独的表达式；其他行请命名：a = …</translation>
    </message>
    <message>
        <source>The number {number} is too large.</source>
        <translation>数 {number} 太大了。</translation>
    </message>
    <message>
        <source>{name} has no value: give it one.</source>
        <translation>{name} 还没有值：请给它一个值。</translation>
    </message>
    <message>
        <source>Division by zero in {text}.</source>
        <translation>{text} 中出现了除以零。</translation>
    </message>
    <message>
        <source>The number {text} is too large.</source>
        <translation>数 {text} 太大了。</translation>
    </message>
    <message>
        <source>Powers above {limit} are not allowed: {text}</source>
        <translation>不允许超过 {limit} 次的幂：{text}</translation>
    </message>
    <message>
        <source>@ multiplies vectors and matrices, not single numbers: {text}</source>
        <translation>@ 用于向量和矩阵相乘，不能用于单个数：{text}</translation>
    </message>
    <message>
        <source>The shapes {shapes} do not fit together in {text}.</source>
        <translation>在 {text} 中，形状 {shapes} 无法匹配。</translation>
    </message>
    <message>
        <source>The condition {text} must be a single number, not {shape} values.</source>
        <translation>条件 {text} 必须是单个数，而不是 {shape} 个值。</translation>
    </message>
    <message>
        <source>An empty list [] has no values.</source>
        <translation>空列表 [] 中没有值。</translation>
    </message>
    <message>
        <source>The rows of {text} differ in length.</source>
        <translation>{text} 的各行长度不同。</translation>
    </message>
    <message>
        <source>Lists nest at most four deep: {text}</source>
        <translation>列表最多嵌套四层：{text}</translation>
    </message>
    <message>
        <source>{name}() takes {expected} arguments, not {count}.</source>
        <translation>{name}() 需要 {expected} 个参数，而不是 {count} 个。</translation>
    </message>
    <message>
        <source>{text} would hold {count} numbers; the limit is {limit}.</source>
        <translation>{text} 将包含 {count} 个数；上限是 {limit}。</translation>
    </message>
    <message>
        <source>A value may hold at most {limit} numbers.</source>
        <translation>一个值最多包含 {limit} 个数。</translation>
    </message>
    <message>
        <source>{text} is not a number or a list of numbers such as [1, 2, 3].</source>
        <translation>{text} 不是数，也不是像 [1, 2, 3] 这样的数列表。</translation>
    </message>
    <message>
        <source>Values must be finite numbers: {text}</source>
        <translation>值必须是有限的数：{text}</translation>
    </message>
    <message>
        <source>A value is a number, a vector or a matrix: lists nest at most two deep.</source>
        <translation>值可以是数、向量或矩阵：列表最多嵌套两层。</translation>
    </message>
    <message>
        <source>digitdraw default (fast to 99%)</source>
        <translation>digitdraw 默认（快速达到 99%）</translation>
    </message>
    <message>
        <source>PyTorch&apos;s MNIST example</source>
        <translation>PyTorch 官方 MNIST 示例</translation>
    </message>
    <message>
        <source>onecycle</source>
        <translation>单周期 (onecycle)</translation>
    </message>
    <message>
        <source>step</source>
        <translation>阶梯衰减 (step)</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>恒定 (constant)</translation>
    </message>
    <message>
        <source>Recipe</source>
        <translation>配置方案</translation>
    </message>
    <message>
        <source>Fill the settings below with a known recipe</source>
        <translation>用一套现成的配置填写下面的设置</translation>
    </message>
    <message>
        <source>the settings to start from, changed by the options below (default: default)</source>
        <translation>作为起点的一套设置，下面的选项可以改动其中各项（默认：default）</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>The network to train</source>
        <translation>要训练的网络</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>训练轮数</translation>
    </message>
    <message>
        <source>How many times to go through the training images</source>
        <translation>把训练图像完整过几遍</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Training images per step: each step follows their average gradient</source>
        <translation>每一步用的训练图像数：每一步沿它们的平均梯度走</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Learning rate: how big a step the optimizer takes. Try 1,000,000 to see training diverge.</source>
        <translation>学习率：优化器每一步迈多大。试试 1,000,000，看看训练如何发散。</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>How each step turns the gradient into a change of the weights</source>
        <translation>每一步如何把梯度变成权重的改变</translation>
    </message>
    <message>
        <source>LR schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>onecycle: warm up then anneal; step: ×0.7 each epoch; constant</source>
        <translation>单周期：先预热再退火；阶梯衰减：每轮乘以 0.7；恒定：保持不变</translation>
    </message>
    <message>
        <source>Augment</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <source>Random rotation, scale, shift, shear and stroke width, so drawn digits are read well</source>
        <translation>随机旋转、缩放、平移、错切并改变笔画粗细，让手写数字也能认得准</translation>
    </message>
    <message>
        <source>distort training digits</source>
        <translation>对训练数字做随机变形</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Where to train: the processor or a GPU</source>
        <translation>在哪里训练：处理器 (CPU) 或 GPU</translation>
    </message>
    <message>
        <source>cpu, cuda:0, mps or auto (default: auto)</source>
        <translation>cpu、cuda:0、mps 或 auto（默认：auto）</translation>
    </message>
    <message>
        <source>Train images</source>
        <translation>训练图像数</translation>
    </message>
    <message>
        <source>Train on the first N of MNIST&apos;s 60,000 training images (fewer: faster, worse)</source>
        <translation>只用 MNIST 60,000 张训练图像中的前 N 张训练（越少越快，但效果越差）</translation>
    </message>
    <message>
        <source>train on the first N of MNIST&apos;s 60,000 training images (default: all of them)</source>
        <translation>只用 MNIST 60,000 张训练图像中的前 N 张训练（默认：全部）</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Where the random numbers start: the same seed and settings train the same model</source>
        <translation>随机数从哪里开始：种子和设置都相同，训练出的模型也相同</translation>
    </message>
    <message>
        <source>where the random numbers start: the same seed and settings train the same model (default: 0)</source>
        <translation>随机数从哪里开始：种子和设置都相同，训练出的模型也相同（默认：0）</translation>
    </message>
    <message>
        <source>Test accuracy</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <source>End training as soon as the test accuracy reaches this.
From halfway on, the tests judge the average of the last few dozen steps&apos; weights,
and that average is the model you get.</source>
        <translation>测试准确率一达到这个值就结束训练。
从训练过半起，测试评判的是最近几十步权重的平均值，
你得到的模型就是这个平均值。</translation>
    </message>
    <message>
        <source>stop as soon as test accuracy reaches this fraction, e.g. 0.99</source>
        <translation>测试准确率一达到这个比例就停止，例如 0.99</translation>
    </message>
    <message>
        <source>stop at</source>
        <translation>达到时停止</translation>
    </message>
    <message>
        <source>No code is written for the {arch!r} network (only for {known}).</source>
        <translation>不为 {arch!r} 网络生成代码（只支持 {known}）。</translation>
    </message>
    <message>
        <source>No code is written for an int8 model: load the model it was made from.</source>
        <translation>不为 int8 模型生成代码：请加载它的原始模型。</translation>
    </message>
    <message>
        <source>The amount to prune is a fraction from 0 to {most}.</source>
        <translation>剪枝比例应是 0 到 {most} 之间的小数。</translation>
    </message>
    <message>
        <source>No value for {names}.</source>
        <translation>{names} 没有值。</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>没有加载模型。</translation>
    </message>
    <message>
        <source>This does not look like one digit: its ink falls into {pieces} separate pieces, where a digit has one to three, so the network&apos;s answer means little. Try a picture of a single digit.</source>
        <translation>这看起来不像一个数字：它的笔迹分成 {pieces} 个互不相连的部分，而一个数字只有一到三笔，所以网络的答案没有什么意义。请换一张只有一个数字的图片。</translation>
    </message>
    <message>
        <source>This does not look like a digit: ink covers {share:.0%} of it, where a digit&apos;s strokes cover less than half, so the network&apos;s answer means little. Try a picture of a single digit on plain paper.</source>
        <translation>这看起来不像一个数字：笔迹覆盖了 {share:.0%} 的面积，而数字的笔画不到一半，所以网络的答案没有什么意义。请换一张白纸上只有一个数字的图片。</translation>
    </message>
    <message>
        <source>int8 models cannot be exported here (their layers are PyTorch&apos;s own int8 kernels): export the original or a pruned model.</source>
        <translation>int8 模型无法在这里导出（它们的层是 PyTorch 自己的 int8 内核）：请导出原始模型或剪枝后的模型。</translation>
    </message>
    <message>
        <source>layer {name!r} ({kind}) cannot be exported: it is not one of the layers this exporter knows ({known}).</source>
        <translation>层 {name!r}（{kind}）无法导出：它不在本导出器认识的层之列（{known}）。</translation>
    </message>
    <message>
        <source>unknown format {fmt!r} (choose from {formats}).</source>
        <translation>未知格式 {fmt!r}（可选：{formats}）。</translation>
    </message>
    <message>
        <source>the exported model gives shape {got}, expected {expected}: nothing was written.</source>
        <translation>导出的模型输出形状为 {got}，应为 {expected}：没有写入任何文件。</translation>
    </message>
    <message>
        <source>the exported model disagrees with PyTorch (largest probability difference {difference:.2g}, same digit on {same} of {checked}): nothing was written.</source>
        <translation>导出的模型与 PyTorch 的结果不一致（概率最大相差 {difference:.2g}，{checked} 个数字中有 {same} 个相同）：没有写入任何文件。</translation>
    </message>
    <message>
        <source>PyTorch&apos;s ONNX exporter failed on this model ({kind}): export it as TorchScript instead.</source>
        <translation>PyTorch 的 ONNX 导出器无法导出这个模型（{kind}）：请改为导出 TorchScript。</translation>
    </message>
    <message>
        <source>ONNX export needs {missing}: install the export extra, pip install &quot;digitdraw[export]&quot;.</source>
        <translation>ONNX 导出需要 {missing}：请安装导出扩展，pip install &quot;digitdraw[export]&quot;。</translation>
    </message>
    <message>
        <source>That did not work: {0}</source>
        <translation>操作未完成：{0}</translation>
    </message>
</context>
<context>
    <name>AccuracyPlot</name>
    <message>
        <source>Test accuracy</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>准确率 (%)</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次 (epoch)</translation>
    </message>
    <message>
        <source>Test accuracy under the mouse</source>
        <translation>鼠标处的测试准确率</translation>
    </message>
    <message>
        <source>epoch {0} · accuracy {1} %</source>
        <translation>第 {0} 轮 · 准确率 {1} %</translation>
    </message>
</context>
<context>
    <name>AutogradTab</name>
    <message>
        <source>e.g. (w*x + b - y)**2</source>
        <translation>例如 (w*x + b - y)**2</translation>
    </message>
    <message>
        <source>Linear regression loss</source>
        <translation>线性回归损失</translation>
    </message>
    <message>
        <source>A neuron</source>
        <translation>一个神经元</translation>
    </message>
    <message>
        <source>The chain rule</source>
        <translation>链式法则</translation>
    </message>
    <message>
        <source>An if that changes the graph</source>
        <translation>改变计算图的 if</translation>
    </message>
    <message>
        <source>A tiny two-layer network</source>
        <translation>一个很小的两层网络</translation>
    </message>
    <message>
        <source>The Regression tab&apos;s current loss</source>
        <translation>“回归”标签页的当前损失</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>前向</translation>
    </message>
    <message>
        <source>Backward</source>
        <translation>反向</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Zero grad</source>
        <translation>梯度清零</translation>
    </message>
    <message>
        <source>Close groups</source>
        <translation>折叠分组</translation>
    </message>
    <message>
        <source>Evaluate the expression; PyTorch records the graph as it goes</source>
        <translation>计算表达式；PyTorch 一边计算一边记录计算图</translation>
    </message>
    <message>
        <source>loss.backward(): gradients flow from the result back to the leaves</source>
        <translation>loss.backward()：梯度从结果反向流回叶子节点</translation>
    </message>
    <message>
        <source>w ← w − lr · w.grad for every leaf with a gradient</source>
        <translation>对每个有梯度的叶子节点执行 w ← w − lr · w.grad</translation>
    </message>
    <message>
        <source>optimizer.zero_grad(): every .grad back to None</source>
        <translation>optimizer.zero_grad()：所有 .grad 重置为 None</translation>
    </message>
    <message>
        <source>Blue: your variables · grey: data (no gradient) · white: operations autograd recorded · purple: grad_fn names · red: gradients. Hover or click a box for its chain-rule product.</source>
        <translation>蓝色：你的变量 · 灰色：数据（无梯度）· 白色：autograd 记录的运算 · 紫色：grad_fn 名称 · 红色：梯度。将鼠标悬停或点击方框，可查看它的链式法则乘积。</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Expression (lines: name = …; the last is the result)</source>
        <translation>表达式（每行：名称 = …；最后一行是结果）</translation>
    </message>
    <message>
        <source>Variables (edit a value)</source>
        <translation>变量（可编辑值）</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>The PyTorch code that runs this expression forward and backward, with these values.</source>
        <translation>用这些值对这个表达式做前向和反向计算的 PyTorch 代码。</translation>
    </message>
    <message>
        <source>Press Forward, then Backward: watch the values flow in and the gradients flow back.</source>
        <translation>先按“前向”，再按“反向”：看数值如何流入，梯度如何流回。</translation>
    </message>
    <message>
        <source>Open groups</source>
        <translation>展开分组</translation>
    </message>
    <message>
        <source>The graph changed: this time {0} was {1}, so autograd recorded the other branch. PyTorch builds the graph anew at every run: that is the dynamic graph.</source>
        <translation>计算图变了：这次 {0} 为 {1}，所以 autograd 记录了另一个分支。PyTorch 每次运行都会重新构建计算图：这就是动态计算图。</translation>
    </message>
    <message>
        <source>The graph changed shape: PyTorch builds it anew at every run.</source>
        <translation>计算图的形状变了：PyTorch 每次运行都会重新构建它。</translation>
    </message>
    <message>
        <source>A number, or a list such as [1, 2, 3] or [[1, 2], [3, 4]]</source>
        <translation>一个数，或像 [1, 2, 3]、[[1, 2], [3, 4]] 这样的列表</translation>
    </message>
    <message>
        <source>{0} changed: the graph was recorded again on the new values.</source>
        <translation>{0} 已改变：已用新值重新记录计算图。</translation>
    </message>
    <message>
        <source>Forward: each operation runs in turn and PyTorch records its grad_fn.</source>
        <translation>前向：各个运算依次执行，PyTorch 记录下每个运算的 grad_fn。</translation>
    </message>
    <message numerus="yes">
        <source>No Zero grad since the last Backward: each .grad now holds the sum of %n backward passes. This is the classic bug: call optimizer.zero_grad() before loss.backward().</source>
        <translation>
            <numerusform>上次反向之后没有梯度清零：现在每个 .grad 都是 %n 次反向传播的总和。这是经典错误：在 loss.backward() 之前要调用 optimizer.zero_grad()。</numerusform>
        </translation>
    </message>
    <message>
        <source>Backward: each grad_fn passes ∂L/∂(its output) to its inputs, multiplied by its local derivative (the chain rule).</source>
        <translation>反向：每个 grad_fn 把 ∂L/∂(它的输出) 乘以局部导数后传给它的输入（链式法则）。</translation>
    </message>
    <message>
        <source>Step: every leaf moved against its gradient, w ← w − {0} · w.grad. The result went from {1} to {2}; the .grad values stay until Zero grad.</source>
        <translation>更新：每个叶子节点都沿梯度的反方向移动，w ← w − {0} · w.grad。结果从 {1} 变为 {2}；.grad 的值会一直保留，直到梯度清零。</translation>
    </message>
    <message>
        <source>Zero grad: every .grad is None again; the next Backward starts from scratch.</source>
        <translation>梯度清零：所有 .grad 又变回 None；下一次反向将从零开始。</translation>
    </message>
    <message>
        <source>{0}: everything the line {0} = … computed. Click to open it.</source>
        <translation>{0}：{0} = … 这一行计算的全部内容。点击展开。</translation>
    </message>
    <message>
        <source>{0} is data (requires_grad=False): autograd computes no gradient for it.</source>
        <translation>{0} 是数据（requires_grad=False）：autograd 不为它计算梯度。</translation>
    </message>
    <message>
        <source>{0} = {1}. Press Backward to see how its gradient is made.</source>
        <translation>{0} = {1}。按“反向”查看它的梯度是如何得到的。</translation>
    </message>
</context>
<context>
    <name>Canvas</name>
    <message>
        <source>Draw a digit here. Esc clears, Ctrl+Z undoes the last stroke.</source>
        <translation>在这里写一个数字。按 Esc 清空，按 Ctrl+Z 撤销上一笔。</translation>
    </message>
    <message>
        <source>Draw a digit here</source>
        <translation>在这里写一个数字</translation>
    </message>
</context>
<context>
    <name>CodePanel</name>
    <message>
        <source>PyTorch code</source>
        <translation>PyTorch 代码</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Save as .py…</source>
        <translation>另存为 .py…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
    <message>
        <source>Could not save {0}: check that its folder exists and can be written to.</source>
        <translation>无法保存 {0}：请检查文件夹是否存在、是否可写。</translation>
    </message>
    <message>
        <source>Saved {0}.</source>
        <translation>已保存 {0}。</translation>
    </message>
    <message>
        <source>Save the script</source>
        <translation>保存脚本</translation>
    </message>
    <message>
        <source>Python scripts (*.py)</source>
        <translation>Python 脚本 (*.py)</translation>
    </message>
    <message>
        <source>The PyTorch script that does what this tab does, with its settings as they are now</source>
        <translation>用当前设置完成本页所做之事的 PyTorch 脚本</translation>
    </message>
</context>
<context>
    <name>CompressTab</name>
    <message>
        <source>&amp;Export model (ONNX or TorchScript)…</source>
        <translation>导出模型（ONNX 或 TorchScript）(&amp;E)…</translation>
    </message>
    <message>
        <source>the model trained in this session</source>
        <translation>本次运行中训练的模型</translation>
    </message>
    <message>
        <source>Starting from {0}: an int8 model, which cannot be compressed further. Load the original in the Draw tab.</source>
        <translation>当前模型是 {0}：它已是 int8 量化模型，无法再压缩。请在手写识别页加载原始模型。</translation>
    </message>
    <message>
        <source>Starting from the Draw tab&apos;s model: {0} ({1}).</source>
        <translation>从手写识别页的模型开始：{0}（{1}）。</translation>
    </message>
    <message>
        <source>original</source>
        <translation>原始模型</translation>
    </message>
    <message>
        <source>Exporting to {0} and checking it against PyTorch…</source>
        <translation>正在导出到 {0}，并与 PyTorch 的结果对照检查…</translation>
    </message>
    <message>
        <source>{0}% of the weights removed</source>
        <translation>剪掉了 {0}% 的权重</translation>
    </message>
    <message>
        <source>MNIST test accuracy at {0:.0%} sparsity: {1:.2%} (on {2:,} digits)</source>
        <translation>稀疏度 {0:.0%} 时的 MNIST 测试准确率：{1:.2%}（共 {2:,} 个数字）</translation>
    </message>
    <message>
        <source>pruned {0:.0%}, {1}</source>
        <translation>剪枝 {0:.0%}，{1}</translation>
    </message>
    <message>
        <source>Measuring the variants in the background…</source>
        <translation>正在后台测量各个压缩版本…</translation>
    </message>
    <message>
        <source>int8 (static)</source>
        <translation>int8 量化（静态）</translation>
    </message>
    <message>
        <source>dynamic int8 (linear layers)</source>
        <translation>动态 int8 量化（全连接层）</translation>
    </message>
    <message>
        <source>{0} + int8</source>
        <translation>{0} + int8 量化</translation>
    </message>
    <message>
        <source>{0:.1f} KB</source>
        <translation>{0:.1f} KB</translation>
    </message>
    <message>
        <source>{0:,} of {1:,}</source>
        <translation>{0:,} / {1:,}</translation>
    </message>
    <message>
        <source>{0:.2%}</source>
        <translation>{0:.2%}</translation>
    </message>
    <message>
        <source>{0:.2f} ms</source>
        <translation>{0:.2f} 毫秒</translation>
    </message>
    <message>
        <source>{0:.0%}</source>
        <translation>{0:.0%}</translation>
    </message>
    <message>
        <source>{0:+.2f} points</source>
        <translation>{0:+.2f} 个百分点</translation>
    </message>
    <message>
        <source>{0:.2f}×</source>
        <translation>{0:.2f}×</translation>
    </message>
    <message>
        <source>Measured {0}.</source>
        <translation>已测量 {0}。</translation>
    </message>
    <message>
        <source>unstructured</source>
        <translation>非结构化</translation>
    </message>
    <message>
        <source>channels</source>
        <translation>按通道</translation>
    </message>
    <message>
        <source>Pick a variant in the table first.</source>
        <translation>请先在表格中选一个版本。</translation>
    </message>
    <message>
        <source>Could not write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
    <message>
        <source>Saved {0} as {1}.</source>
        <translation>已将 {0} 保存为 {1}。</translation>
    </message>
    <message>
        <source>Wait until the variants are measured, then fine-tune.</source>
        <translation>请等各个版本测量完毕后再微调。</translation>
    </message>
    <message>
        <source>pruned {0:.0%}, {1}, fine-tuned</source>
        <translation>剪枝 {0:.0%}，{1}，已微调</translation>
    </message>
    <message>
        <source>Save the compressed model</source>
        <translation>保存压缩后的模型</translation>
    </message>
    <message>
        <source>digitdraw checkpoints (*.pt)</source>
        <translation>digitdraw 检查点 (*.pt)</translation>
    </message>
    <message>
        <source>There is no model to export.</source>
        <translation>没有可导出的模型。</translation>
    </message>
    <message>
        <source>Exported {0} ({1:.0f} KB): the same digit as PyTorch on all {2:,} test digits checked.</source>
        <translation>已导出 {0}（{1:.0f} KB）：在检查的全部 {2:,} 个测试数字上与 PyTorch 给出相同的数字。</translation>
    </message>
    <message>
        <source>{0} % removed · accuracy {1} %</source>
        <translation>去除 {0} % · 准确率 {1} %</translation>
    </message>
    <message>
        <source>Its probabilities differ from PyTorch&apos;s by at most {0}.</source>
        <translation>它的概率与 PyTorch 的相差最多 {0}。</translation>
    </message>
    <message>
        <source>The Draw tab&apos;s model is int8, which cannot be exported: use the original or a pruned model in the Draw tab, then export.</source>
        <translation>手写识别页的模型是 int8 模型，无法导出：请在手写识别页改用原始模型或剪枝后的模型，再导出。</translation>
    </message>
    <message>
        <source>ONNX (*{0})</source>
        <translation>ONNX（*{0}）</translation>
    </message>
    <message>
        <source>TorchScript (*{0})</source>
        <translation>TorchScript（*{0}）</translation>
    </message>
    <message>
        <source>Export the Draw tab&apos;s model</source>
        <translation>导出手写识别页的模型</translation>
    </message>
    <message>
        <source>Starting from the Draw tab&apos;s model.</source>
        <translation>从手写识别页的模型开始。</translation>
    </message>
    <message>
        <source>single weights, smallest first (unstructured)</source>
        <translation>逐个权重，先剪最小的（非结构化）</translation>
    </message>
    <message>
        <source>whole channels (structured)</source>
        <translation>整个通道（结构化）</translation>
    </message>
    <message>
        <source>weights removed (%)</source>
        <translation>剪掉的权重 (%)</translation>
    </message>
    <message>
        <source>MNIST test accuracy (%)</source>
        <translation>MNIST 测试准确率 (%)</translation>
    </message>
    <message>
        <source>Pruning curve under the mouse</source>
        <translation>鼠标处的剪枝曲线</translation>
    </message>
    <message>
        <source>Measure variants (pruned at this setting, int8)</source>
        <translation>测量各版本（按此设置剪枝、int8 量化）</translation>
    </message>
    <message>
        <source>Fine-tune the pruned model (one short epoch)</source>
        <translation>微调剪枝后的模型（训练一小轮）</translation>
    </message>
    <message>
        <source>Prune:</source>
        <translation>剪枝：</translation>
    </message>
    <message>
        <source>The PyTorch code that prunes the model the way this tab does, at this setting.</source>
        <translation>按本页的做法和当前设置对模型剪枝的 PyTorch 代码。</translation>
    </message>
    <message>
        <source>Variant</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Non-zero
parameters</source>
        <translation>非零
参数</translation>
    </message>
    <message>
        <source>MNIST
accuracy</source>
        <translation>MNIST
准确率</translation>
    </message>
    <message>
        <source>Latency
(median)</source>
        <translation>延迟
（中位数）</translation>
    </message>
    <message>
        <source>Size vs
original</source>
        <translation>大小
（对比原始）</translation>
    </message>
    <message>
        <source>Accuracy vs
original</source>
        <translation>准确率
（对比原始）</translation>
    </message>
    <message>
        <source>Speed vs
original</source>
        <translation>速度
（对比原始）</translation>
    </message>
    <message>
        <source>Use in Draw</source>
        <translation>用于手写识别</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Variants: latency is one 28×28 drawing on one CPU thread.</source>
        <translation>各版本：延迟指在单个 CPU 线程上识别一张 28×28 手写图像的时间。</translation>
    </message>
</context>
<context>
    <name>ConfusionMatrixView</name>
    <message>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>Rows: the true digit. Columns: what the network said. The diagonal is right. Click a cell to see its digits.</source>
        <translation>行：真实数字。列：网络的回答。对角线是答对的。点击一个格子可查看其中的数字。</translation>
    </message>
    <message>
        <source>true {0}, said {1}: {2} of {3}</source>
        <translation>真实为 {0}，判断为 {1}：{3} 个中有 {2} 个</translation>
    </message>
</context>
<context>
    <name>Devices</name>
    <message>
        <source>cpu — processor</source>
        <translation>cpu — 处理器</translation>
    </message>
    <message>
        <source>mps — Apple GPU</source>
        <translation>mps — Apple 图形处理器</translation>
    </message>
</context>
<context>
    <name>DrawTab</name>
    <message>
        <source>The shipped model could not be loaded: {0}</source>
        <translation>无法加载自带的模型：{0}</translation>
    </message>
    <message>
        <source>Cannot open {0}: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <source>{0}: nothing to classify, the image holds no digit.</source>
        <translation>{0}：没有可识别的内容，图中没有数字。</translation>
    </message>
    <message>
        <source>Showing {0}. Draw or press Esc to go back to drawing.</source>
        <translation>正在显示 {0}。直接书写或按 Esc 回到手写。</translation>
    </message>
    <message>
        <source>A test digit: a {0} the network read as {1}. The inside view shows why not {0}; click a bar to ask about another digit.</source>
        <translation>一个测试数字：网络把 {0} 认成了 {1}。内部视图显示为什么不是 {0}；点击柱条可询问其他数字。</translation>
    </message>
    <message>
        <source>A test digit: a {0}. Draw or press Esc to go back to drawing.</source>
        <translation>一个测试数字：{0}。直接书写或按 Esc 回到手写。</translation>
    </message>
    <message>
        <source>Could not write {0}.</source>
        <translation>无法写入 {0}。</translation>
    </message>
    <message>
        <source>Saved {0}.</source>
        <translation>已保存 {0}。</translation>
    </message>
    <message>
        <source>Loaded {0}: recognised as {1}.</source>
        <translation>已加载 {0}：识别为 {1}。</translation>
    </message>
    <message>
        <source>Loaded {0}.</source>
        <translation>已加载 {0}。</translation>
    </message>
    <message>
        <source>{0} ms (preprocess {1} + network {2})</source>
        <translation>{0} 毫秒（预处理 {1} + 网络 {2}）</translation>
    </message>
    <message>
        <source>nothing to classify</source>
        <translation>没有可识别的内容</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>没有结果</translation>
    </message>
    <message>
        <source>no model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>not sure</source>
        <translation>不太确定</translation>
    </message>
    <message>
        <source>{0} sure</source>
        <translation>置信度 {0}</translation>
    </message>
    <message>
        <source>The network failed on {0}: choose another device above.</source>
        <translation>网络在 {0} 上运行失败：请在上方选择另一个设备。</translation>
    </message>
    <message>
        <source>not a digit?</source>
        <translation>不是数字？</translation>
    </message>
    <message>
        <source>Cannot use {0}: it is not available or failed to start, so the model stays on {1}.</source>
        <translation>无法使用 {0}：它不可用或启动失败，模型仍在 {1} 上运行。</translation>
    </message>
    <message>
        <source>test accuracy unknown</source>
        <translation>测试准确率未知</translation>
    </message>
    <message>
        <source>{0} on the MNIST test set</source>
        <translation>MNIST 测试集准确率 {0}</translation>
    </message>
    <message>
        <source>trained in this session</source>
        <translation>本次运行中训练</translation>
    </message>
    <message>
        <source>The 28×28 image the network receives, enlarged</source>
        <translation>网络接收到的 28×28 图像（已放大）</translation>
    </message>
    <message>
        <source>Inside the network</source>
        <translation>网络内部</translation>
    </message>
    <message>
        <source>Feature maps, the layers and why the network answered; hide them for a plain Draw tab.</source>
        <translation>特征图、各层结构以及网络为什么这样回答；隐藏后就是简洁的手写识别页。</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>The network reads</source>
        <translation>网络识别为</translation>
    </message>
    <message>
        <source>What the network sees (28×28)</source>
        <translation>网络看到的图像 (28×28)</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Last prediction:</source>
        <translation>上次预测：</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>Probability of each digit</source>
        <translation>每个数字的概率</translation>
    </message>
    <message>
        <source>The PyTorch code that reads a picture of a digit the way this tab does, with this model.</source>
        <translation>按本页的做法、用这个模型识别数字图片的 PyTorch 代码。</translation>
    </message>
    <message>
        <source>Pen width in pixels</source>
        <translation>笔的粗细（像素）</translation>
    </message>
    <message>
        <source>{0} px</source>
        <translation>{0} 像素</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo the last stroke (Ctrl+Z)</source>
        <translation>撤销上一笔 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Clear the drawing (Esc)</source>
        <translation>清空画布 (Esc)</translation>
    </message>
    <message>
        <source>Pen:</source>
        <translation>笔：</translation>
    </message>
    <message>
        <source>&amp;Open image…</source>
        <translation>打开图片(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Save drawing as PNG…</source>
        <translation>将手写保存为 PNG(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Load model…</source>
        <translation>加载模型(&amp;L)…</translation>
    </message>
    <message>
        <source>Images ({0});;All files (*)</source>
        <translation>图片 ({0});;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open an image of a digit</source>
        <translation>打开一张数字图片</translation>
    </message>
    <message>
        <source>Save the drawing</source>
        <translation>保存手写图像</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>digitdraw models (*.pt *.torchscript);;All files (*)</source>
        <translation>digitdraw 模型 (*.pt *.torchscript);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Load a model</source>
        <translation>加载模型</translation>
    </message>
</context>
<context>
    <name>FineTuneJob</name>
    <message>
        <source>Reading your drawings…</source>
        <translation>正在读取你的手写数字…</translation>
    </message>
    <message>
        <source>Only {0} of your drawings could be read; at least {1} are needed.</source>
        <translation>你的手写数字中只有 {0} 个能读取；至少需要 {1} 个。</translation>
    </message>
    <message numerus="yes">
        <source>Learning from your %n drawing(s), mixed with MNIST…</source>
        <translation>
            <numerusform>正在从你的 %n 个手写样本中学习，并混入 MNIST…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GraphView</name>
    <message numerus="yes">
        <source>%n operation(s): click to open</source>
        <translation>
            <numerusform>%n 个运算：点击展开</numerusform>
        </translation>
    </message>
    <message>
        <source>{0}: one line of the expression, closed</source>
        <translation>{0}：表达式中的一行，已折叠</translation>
    </message>
    <message>
        <source>made inside a function</source>
        <translation>在函数内部生成</translation>
    </message>
    <message>
        <source>data: requires_grad=False</source>
        <translation>数据：requires_grad=False</translation>
    </message>
    <message>
        <source>scalar</source>
        <translation>标量</translation>
    </message>
    <message>
        <source>grad {0}</source>
        <translation>梯度 {0}</translation>
    </message>
    <message>
        <source>grad None</source>
        <translation>梯度 None</translation>
    </message>
</context>
<context>
    <name>InsideView</name>
    <message>
        <source>Input {0}</source>
        <translation>输入 {0}</translation>
    </message>
    <message>
        <source>This model cannot be drawn: {0}</source>
        <translation>无法画出这个模型：{0}</translation>
    </message>
    <message>
        <source>Block {0} ({1}): {2} maps of {3}×{4}</source>
        <translation>第 {0} 块（{1}）：{2} 张 {3}×{4} 的特征图</translation>
    </message>
    <message>
        <source>The explanation comes in a moment: its library is still loading.</source>
        <translation>解释稍后就到：所需的库仍在加载。</translation>
    </message>
    <message>
        <source>Why {0}? Orange pixels pushed towards {0}, blue ones away. Click a bar to ask about another digit.</source>
        <translation>为什么是 {0}？橙色像素把答案推向 {0}，蓝色像素则推离它。点击一根柱子，看看换成另一个数字会怎样。</translation>
    </message>
    <message>
        <source>Draw a digit: its feature maps and why the network answered appear here.</source>
        <translation>写一个数字：它的特征图以及网络为何这样回答会显示在这里。</translation>
    </message>
    <message>
        <source>Map {0} of {1} and the filter that made it ({2} weights; orange positive, blue negative)</source>
        <translation>{1} 的第 {0} 张特征图，以及生成它的卷积核（{2} 个权重；橙色为正，蓝色为负）</translation>
    </message>
    <message>
        <source>Map {0} of {1}</source>
        <translation>{1} 的第 {0} 张特征图</translation>
    </message>
    <message>
        <source>Point at a map to see it enlarged with the filter that made it.</source>
        <translation>把鼠标指向一张特征图，就能放大看到它和生成它的卷积核。</translation>
    </message>
    <message>
        <source>Why this answer, by:</source>
        <translation>解释这个答案的方法：</translation>
    </message>
</context>
<context>
    <name>LossPlot</name>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>loss (cross-entropy)</source>
        <translation>损失（交叉熵）</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批次 (batch)</translation>
    </message>
    <message>
        <source>each batch</source>
        <translation>每个批次</translation>
    </message>
    <message>
        <source>smoothed (EMA)</source>
        <translation>平滑后 (EMA)</translation>
    </message>
    <message>
        <source>Training loss under the mouse</source>
        <translation>鼠标处的训练损失</translation>
    </message>
    <message>
        <source>batch {0} · epoch {3}
loss {1} · smoothed {2}</source>
        <translation>批次 {0} · 第 {3} 轮
损失 {1} · 平滑 {2}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>digitdraw — deep learning you can touch</source>
        <translation>digitdraw — 看得见、摸得着的深度学习</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>手写识别</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Regression</source>
        <translation>回归</translation>
    </message>
    <message>
        <source>Compress</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>Autograd</source>
        <translation>自动求导</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About digitdraw</source>
        <translation>关于 digitdraw(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System language ({0})</source>
        <translation>跟随系统（{0}）</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>digitdraw will speak {0} from its next start.</source>
        <translation>digitdraw 下次启动时将使用{0}界面。</translation>
    </message>
    <message>
        <source>About digitdraw</source>
        <translation>关于 digitdraw</translation>
    </message>
    <message>
        <source>&lt;b&gt;digitdraw&lt;/b&gt;&lt;br&gt;Draw digits for a CNN to read, train CNNs on MNIST and watch gradient descent fit a line — deep learning with PyTorch you can touch.</source>
        <translation>&lt;b&gt;digitdraw&lt;/b&gt;&lt;br&gt;手写数字让卷积神经网络 (CNN) 识别，在 MNIST 上训练 CNN，观察梯度下降如何拟合一条直线——用 PyTorch 把深度学习变得看得见、摸得着。</translation>
    </message>
</context>
<context>
    <name>MistakesGallery</name>
    <message>
        <source>A {0}, read right. Double-click to open it in the Draw tab.</source>
        <translation>一个 {0}，认对了。双击可在“手写识别”标签页中打开。</translation>
    </message>
    <message>
        <source>This is a {0}; the network said {1}. Double-click to open it in the Draw tab.</source>
        <translation>这是 {0}；网络说是 {1}。双击可在“手写识别”标签页中打开。</translation>
    </message>
    <message>
        <source>Test digits</source>
        <translation>测试数字</translation>
    </message>
</context>
<context>
    <name>PersonalPanel</name>
    <message>
        <source>Your personal model could not be loaded, so the shipped one is used: {0}</source>
        <translation>无法加载你的个人模型，已改用自带的模型：{0}</translation>
    </message>
    <message>
        <source>Using the model tuned to your handwriting.</source>
        <translation>正在使用针对你的笔迹微调过的模型。</translation>
    </message>
    <message>
        <source>Draw a digit first, then press the digit it is.</source>
        <translation>请先写一个数字，再按下它对应的数字。</translation>
    </message>
    <message>
        <source>Could not save the drawing: {0}</source>
        <translation>无法保存这个手写数字：{0}</translation>
    </message>
    <message numerus="yes">
        <source>Saved as a {0} ({1}). Your set holds %n drawing(s).</source>
        <translation>
            <numerusform>已保存为 {0}（{1}）。你的样本集共有 %n 个手写样本。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Fine-tune the model on your %n drawing(s), mixed with MNIST.</source>
        <translation>
            <numerusform>用你的 %n 个手写样本（混入 MNIST）微调模型。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Learning needs at least {0} drawings; your set holds %n. Draw a digit and press its key or button to add one.</source>
        <translation>
            <numerusform>学习至少需要 {0} 个手写样本；你的样本集只有 %n 个。写一个数字，再按它的数字键或按钮即可添加。</numerusform>
        </translation>
    </message>
    <message>
        <source>The shipped model could not be loaded: {0}</source>
        <translation>无法加载自带的模型：{0}</translation>
    </message>
    <message>
        <source>Could not remove your personal model: {0}</source>
        <translation>无法删除你的个人模型：{0}</translation>
    </message>
    <message>
        <source>Back to the shipped model. Your drawings are kept: learn again any time.</source>
        <translation>已换回自带的模型。你的手写数字都还在，随时可以重新学习。</translation>
    </message>
    <message>
        <source>{0:,.0f} images/s · {1:.0f} s left</source>
        <translation>每秒 {0:,.0f} 张图像 · 还剩 {1:.0f} 秒</translation>
    </message>
    <message>
        <source>Learning stopped; the model is unchanged.</source>
        <translation>学习已停止；模型没有改变。</translation>
    </message>
    <message>
        <source>Your drawings read right: {0:.0%} → {1:.0%} · MNIST test: {2:.2%} → {3:.2%} · {4:.0f} s</source>
        <translation>你的手写数字认对率：{0:.0%} → {1:.0%} · MNIST 测试集：{2:.2%} → {3:.2%} · 用时 {4:.0f} 秒</translation>
    </message>
    <message>
        <source>The tuned model is in use but could not be saved: {0}</source>
        <translation>微调后的模型已在使用，但无法保存：{0}</translation>
    </message>
    <message>
        <source>The Draw tab now reads with the model tuned to your hand (saved, used at the next start).</source>
        <translation>手写识别页现在使用针对你的笔迹微调过的模型（已保存，下次启动时也会使用）。</translation>
    </message>
    <message numerus="yes">
        <source>Your set now holds %n drawing(s).</source>
        <translation>
            <numerusform>你的样本集现在有 %n 个手写样本。</numerusform>
        </translation>
    </message>
    <message>
        <source>That was a:</source>
        <translation>刚才写的是：</translation>
    </message>
    <message>
        <source>saved:</source>
        <translation>已保存：</translation>
    </message>
    <message>
        <source>Save the drawing as a {0} in your personal set (or press {0} on the canvas).</source>
        <translation>把这个手写数字作为 {0} 存入你的个人数据集（也可以在画布上按 {0} 键）。</translation>
    </message>
    <message>
        <source>Learn my handwriting</source>
        <translation>学习我的笔迹</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>See, remove or clear the drawings of your personal set.</source>
        <translation>查看、删除或清空你个人数据集里的手写数字。</translation>
    </message>
    <message>
        <source>Use the shipped model</source>
        <translation>使用自带的模型</translation>
    </message>
    <message>
        <source>Go back to the model digitdraw ships with, now and at the next start.</source>
        <translation>换回 digitdraw 自带的模型，现在和下次启动时都生效。</translation>
    </message>
</context>
<context>
    <name>PersonalSetDialog</name>
    <message>
        <source>Your handwriting</source>
        <translation>你的笔迹</translation>
    </message>
    <message>
        <source>All digits</source>
        <translation>所有数字</translation>
    </message>
    <message>
        <source>Only {0}</source>
        <translation>只看 {0}</translation>
    </message>
    <message>
        <source>Relabel as…</source>
        <translation>改标为…</translation>
    </message>
    <message>
        <source>Relabel as {0}</source>
        <translation>改标为 {0}</translation>
    </message>
    <message>
        <source>Move the selected drawings to another digit: for a drawing saved under the wrong one.</source>
        <translation>把选中的手写样本移到另一个数字下：用于保存时标错了数字的样本。</translation>
    </message>
    <message>
        <source>Remove selected…</source>
        <translation>删除所选…</translation>
    </message>
    <message numerus="yes">
        <source>%n drawing(s)</source>
        <translation>
            <numerusform>%n 个手写样本</numerusform>
        </translation>
    </message>
    <message>
        <source>Select the drawings to remove first.</source>
        <translation>请先选择要删除的手写样本。</translation>
    </message>
    <message>
        <source>Remove drawings</source>
        <translation>删除手写样本</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n selected drawing(s) from your personal set?</source>
        <translation>
            <numerusform>从你的样本集中删除选中的 %n 个手写样本？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n drawing(s) moved to {0}.</source>
        <translation>
            <numerusform>已把 %n 个手写样本移到 {0}。</numerusform>
        </translation>
    </message>
    <message>
        <source>Select the drawings to relabel first.</source>
        <translation>请先选择要改标的手写样本。</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n drawing(s) of your personal set?</source>
        <translation>
            <numerusform>删除你的样本集中全部 %n 个手写样本？</numerusform>
        </translation>
    </message>
    <message>
        <source>Clear all…</source>
        <translation>全部清空…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Clear your handwriting</source>
        <translation>清空你的笔迹</translation>
    </message>
</context>
<context>
    <name>PlotTools</name>
    <message>
        <source>Save picture</source>
        <translation>保存图片</translation>
    </message>
    <message>
        <source>PNG pictures (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>Save data</source>
        <translation>保存数据</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Could not write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Save picture…</source>
        <translation>保存图片…</translation>
    </message>
    <message>
        <source>Save data…</source>
        <translation>保存数据…</translation>
    </message>
</context>
<context>
    <name>ProbabilityChart</name>
    <message>
        <source>Probability under the mouse</source>
        <translation>鼠标处的概率</translation>
    </message>
    <message>
        <source>digit {0}: {1} %</source>
        <translation>数字 {0}：{1} %</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>RegressionTab</name>
    <message>
        <source>model (gradient descent)</source>
        <translation>模型（梯度下降）</translation>
    </message>
    <message>
        <source>least-squares line</source>
        <translation>最小二乘直线</translation>
    </message>
    <message>
        <source>Loss (mean squared error) per step</source>
        <translation>每一步的损失（均方误差）</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>MSE (log scale)</source>
        <translation>均方误差 MSE（对数坐标）</translation>
    </message>
    <message>
        <source>slope w</source>
        <translation>斜率 w</translation>
    </message>
    <message>
        <source>intercept b</source>
        <translation>截距 b</translation>
    </message>
    <message>
        <source>Point or line under the mouse</source>
        <translation>鼠标处的点或直线</translation>
    </message>
    <message>
        <source>Loss at the step under the mouse</source>
        <translation>鼠标处那一步的损失</translation>
    </message>
    <message>
        <source>Loss surface under the mouse</source>
        <translation>鼠标处的损失曲面</translation>
    </message>
    <message>
        <source>Left click: add a point
Drag a point: move it
Right click a point: remove it</source>
        <translation>左键单击：添加一个点
拖动一个点：移动它
右键单击一个点：删除它</translation>
    </message>
    <message>
        <source>Random line</source>
        <translation>随机直线</translation>
    </message>
    <message>
        <source>Random curve</source>
        <translation>随机曲线</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>数据点</translation>
    </message>
    <message>
        <source>Straight line</source>
        <translation>直线</translation>
    </message>
    <message>
        <source>Polynomial</source>
        <translation>多项式</translation>
    </message>
    <message>
        <source>Small network</source>
        <translation>小型神经网络</translation>
    </message>
    <message>
        <source>A learning rate of {0:g} is outside {1:g} to {2:g}, so {3:g} is used.</source>
        <translation>学习率 {0:g} 超出了 {1:g} 到 {2:g} 的范围，因此改用 {3:g}。</translation>
    </message>
    <message>
        <source>Model and training</source>
        <translation>模型与训练</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Polynomial degree</source>
        <translation>多项式次数</translation>
    </message>
    <message>
        <source>Hidden activation</source>
        <translation>隐藏层激活函数</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>拟合</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Show the graph</source>
        <translation>显示计算图</translation>
    </message>
    <message>
        <source>Open the Autograd tab on this loss: the graph PyTorch records for one step</source>
        <translation>在“自动求导”标签页中打开这个损失：查看 PyTorch 为一步训练记录的计算图</translation>
    </message>
    <message>
        <source>The PyTorch code that fits these points the way this tab does, with these settings.</source>
        <translation>按本页的做法和这些设置拟合这些点的 PyTorch 代码。</translation>
    </message>
    <message>
        <source>Show least-squares line (dashed)</source>
        <translation>显示最小二乘直线（虚线）</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Fitting…</source>
        <translation>正在拟合…</translation>
    </message>
    <message>
        <source>Paused at step {0}: press Fit to go on, or Step for one step.</source>
        <translation>已在第 {0} 步暂停：按“拟合”继续，或按“单步”走一步。</translation>
    </message>
    <message numerus="yes">
        <source>Converged after %n steps.</source>
        <translation>
            <numerusform>经过 %n 步后收敛。</numerusform>
        </translation>
    </message>
    <message>
        <source>point x = {0}, y = {1}</source>
        <translation>点 x = {0}，y = {1}</translation>
    </message>
    <message>
        <source>line x = {0}, ŷ = {1}</source>
        <translation>直线 x = {0}，ŷ = {1}</translation>
    </message>
    <message>
        <source>step {0} · MSE {1}</source>
        <translation>第 {0} 步 · MSE {1}</translation>
    </message>
    <message>
        <source>w = {0}, b = {1} · MSE {2}</source>
        <translation>w = {0}，b = {1} · MSE {2}</translation>
    </message>
    <message>
        <source>slope w: straight line only</source>
        <translation>斜率 w：仅适用于直线</translation>
    </message>
    <message>
        <source>intercept b: straight line only</source>
        <translation>截距 b：仅适用于直线</translation>
    </message>
    <message>
        <source>slope w = {0}</source>
        <translation>斜率 w = {0}</translation>
    </message>
    <message>
        <source>intercept b = {0}</source>
        <translation>截距 b = {0}</translation>
    </message>
    <message>
        <source>parameters: {0}</source>
        <translation>参数个数：{0}</translation>
    </message>
    <message>
        <source>step: {0}</source>
        <translation>步数：{0}</translation>
    </message>
    <message>
        <source>loss (MSE): {0}</source>
        <translation>损失 (MSE)：{0}</translation>
    </message>
    <message>
        <source>least squares: —</source>
        <translation>最小二乘解：—</translation>
    </message>
    <message>
        <source>least squares: w = {0}, b = {1}</source>
        <translation>最小二乘解：w = {0}，b = {1}</translation>
    </message>
    <message>
        <source>Loss surface</source>
        <translation>损失曲面</translation>
    </message>
    <message>
        <source>A map of the loss needs a model with two parameters: the straight line&apos;s slope w and intercept b. This model has {0}, too many to draw; choose Straight line to see it.</source>
        <translation>损失曲面图需要只有两个参数的模型：直线的斜率 w 和截距 b。这个模型有 {0} 个参数，太多而无法画出；选择“直线”即可看到它。</translation>
    </message>
    <message>
        <source>Add at least two points with different x: the loss over (w, b) is drawn here.</source>
        <translation>请至少添加两个 x 不同的点：这里会画出 (w, b) 上的损失。</translation>
    </message>
    <message>
        <source>log₁₀ MSE, ★ optimum</source>
        <translation>log₁₀ MSE，★ 为最优点</translation>
    </message>
</context>
<context>
    <name>TrainTab</name>
    <message>
        <source>start from the current model</source>
        <translation>从当前模型继续</translation>
    </message>
    <message>
        <source>Keep training the model trained last (or opened) instead of fresh weights</source>
        <translation>在最近训练（或打开）的模型上继续训练，而不是从随机初始权重开始</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Choose the settings and press Train.</source>
        <translation>选好设置后按“开始训练”。</translation>
    </message>
    <message>
        <source>Use this model for drawing</source>
        <translation>用这个模型识别手写</translation>
    </message>
    <message>
        <source>Put the model trained here into the Draw tab</source>
        <translation>把这里训练好的模型用到“手写识别”页</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>The PyTorch code that trains the network the way this tab does, with these settings.</source>
        <translation>按本页的做法和这些设置训练网络的 PyTorch 代码。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Loss&lt;/b&gt;: how wrong the network is on each batch of training digits; it should fall.&lt;br&gt;&lt;b&gt;Test accuracy&lt;/b&gt;: the share of 10,000 digits it never trained on that it reads right.&lt;br&gt;&lt;b&gt;Confusion matrix&lt;/b&gt;: which digits it mistakes for which.</source>
        <translation>&lt;b&gt;损失&lt;/b&gt;：网络在每批训练数字上错得多厉害，应当下降。&lt;br&gt;&lt;b&gt;测试准确率&lt;/b&gt;：没训练过的 10,000 个数字里认对的比例。&lt;br&gt;&lt;b&gt;混淆矩阵&lt;/b&gt;：哪个数字被错认成了哪个。</translation>
    </message>
    <message>
        <source>The first layer&apos;s filters as they learn: orange weights positive, blue negative.</source>
        <translation>第一层卷积核在学习中的变化：橙色权重为正，蓝色为负。</translation>
    </message>
    <message>
        <source>First layer&apos;s filters</source>
        <translation>第一层卷积核</translation>
    </message>
    <message>
        <source>Confusion matrix (rows: true digit, columns: what it said)</source>
        <translation>混淆矩阵（行：真实数字，列：网络的判断）</translation>
    </message>
    <message>
        <source>Test digits it got wrong (true → said)</source>
        <translation>认错的测试数字（真实 → 判断）</translation>
    </message>
    <message>
        <source>Save trained model…</source>
        <translation>保存训练好的模型…</translation>
    </message>
    <message>
        <source>Open checkpoint to continue/evaluate…</source>
        <translation>打开检查点以继续训练或评估…</translation>
    </message>
    <message>
        <source>Cannot train with these settings: {0}</source>
        <translation>无法用这些设置训练：{0}</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>正在训练…</translation>
    </message>
    <message>
        <source>Training stopped.</source>
        <translation>训练已停止。</translation>
    </message>
    <message>
        <source>epoch {0}/{1} · {2} images/s · ETA {3}</source>
        <translation>第 {0}/{1} 轮 · 每秒 {2} 张图像 · 剩余 {3}</translation>
    </message>
    <message>
        <source>Test accuracy after {0} epochs: {1}</source>
        <translation>训练 {0} 轮后的测试准确率：{1}</translation>
    </message>
    <message numerus="yes">
        <source>%n test digits it got wrong (true → said)</source>
        <translation>
            <numerusform>认错的测试数字：%n 个（真实 → 判断）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The first %n of them</source>
        <translation>
            <numerusform>这里显示其中前 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>{0} ({1} in all, {2} images/s)</source>
        <translation>{0}（用时 {1}，每秒 {2} 张）</translation>
    </message>
    <message>
        <source>Digits shown</source>
        <translation>显示的数字</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Back to every mistake</source>
        <translation>回到全部错误</translation>
    </message>
    <message>
        <source>Test digits (true → said)</source>
        <translation>测试数字（真实 → 回答）</translation>
    </message>
    <message>
        <source>true {0}, said {1}: {2}</source>
        <translation>真实 {0}，回答 {1}：{2}</translation>
    </message>
    <message numerus="yes">
        <source>Finished %n epochs: {0} test accuracy</source>
        <translation>
            <numerusform>已完成 %n 轮训练：测试准确率 {0}</numerusform>
        </translation>
    </message>
    <message>
        <source>Reached {0} test accuracy after {1} epochs</source>
        <translation>训练 {1} 轮后测试准确率达到 {0}</translation>
    </message>
    <message numerus="yes">
        <source>Stopped by request after %n steps; {0} test accuracy</source>
        <translation>
            <numerusform>已按要求在 %n 步后停止；测试准确率 {0}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped by request after %n steps</source>
        <translation>
            <numerusform>已按要求在 %n 步后停止</numerusform>
        </translation>
    </message>
    <message>
        <source>Training diverged: the loss stopped being a finite number at step {0}. The learning rate {1} is too high for this setup; training stopped and the last weights with a finite loss are kept.</source>
        <translation>训练发散了：在第 {0} 步损失不再是有限的数。学习率 {1} 对这套设置来说太大；训练已停止，并保留了最后一组损失有限的权重。</translation>
    </message>
    <message>
        <source>trained in the Train tab</source>
        <translation>在“训练”页中训练</translation>
    </message>
    <message>
        <source>The Draw tab now uses this {0} model.</source>
        <translation>“手写识别”页现在使用这个 {0} 模型。</translation>
    </message>
    <message>
        <source>Saved to {0}</source>
        <translation>已保存到 {0}</translation>
    </message>
    <message>
        <source>Opened {0} ({1}). Train continues from it.</source>
        <translation>已打开 {0}（{1}）。训练将从它继续。</translation>
    </message>
    <message>
        <source>Opened {0} ({1}, {2} test accuracy when saved). Train continues from it.</source>
        <translation>已打开 {0}（{1}，保存时测试准确率 {2}）。训练将从它继续。</translation>
    </message>
    <message>
        <source>Save trained model</source>
        <translation>保存训练好的模型</translation>
    </message>
    <message>
        <source>Checkpoints (*.pt)</source>
        <translation>检查点 (*.pt)</translation>
    </message>
    <message>
        <source>Could not save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>Could not save the model: {0}</source>
        <translation>无法保存模型：{0}</translation>
    </message>
    <message>
        <source>Open checkpoint</source>
        <translation>打开检查点</translation>
    </message>
    <message>
        <source>Checkpoints (*.pt);;All files (*)</source>
        <translation>检查点 (*.pt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not open</source>
        <translation>无法打开</translation>
    </message>
</context>
<context>
    <name>TrainingJob</name>
    <message>
        <source>Cannot train with these settings: {0}</source>
        <translation>无法用这些设置训练：{0}</translation>
    </message>
    <message>
        <source>Out of memory on {0}: try a smaller batch size or the CPU.</source>
        <translation>{0} 内存不足：请减小批大小或改用 CPU。</translation>
    </message>
    <message>
        <source>Training failed: {0}: {1}</source>
        <translation>训练失败：{0}：{1}</translation>
    </message>
    <message>
        <source>Loading MNIST…</source>
        <translation>正在加载 MNIST…</translation>
    </message>
    <message>
        <source>Stopped before training began.</source>
        <translation>训练开始前已停止。</translation>
    </message>
    <message>
        <source>Training {0} on {1} images, testing on {2}, on {3}…</source>
        <translation>正在 {3} 上训练 {0}：训练图像 {1} 张，测试图像 {2} 张…</translation>
    </message>
    <message>
        <source>Testing {0} on {1} test images…</source>
        <translation>正在用 {1} 张测试图像测试 {0}…</translation>
    </message>
    <message>
        <source>{0} test accuracy on {1} test images</source>
        <translation>在 {1} 张测试图像上的测试准确率为 {0}</translation>
    </message>
    <message>
        <source>Paused — press Resume to go on, or Stop.</source>
        <translation>已暂停——按“继续”接着训练，或按“停止”。</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>正在训练…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
</context>
<context>
    <name>_MapGrid</name>
    <message>
        <source>Feature map under the mouse</source>
        <translation>鼠标处的特征图</translation>
    </message>
    <message>
        <source>{0}, channel {1}: min {2}, max {3}</source>
        <translation>{0}，通道 {1}：最小 {2}，最大 {3}</translation>
    </message>
</context>
</TS>
